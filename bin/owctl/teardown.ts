/** `owctl teardown ENV [--purge]`: stop this environment's services; --purge deletes its data too. */
import type { Command } from 'commander';
import { confirmDestruction } from './confirm.ts';
import { addRunOptions, type PlaybookCliOptions, runCommandPlaybooks } from './playbook.ts';

export function registerTeardownCommand(program: Command): void {
  const command = program
    .command('teardown')
    .description("stop an environment's services (keeps all data unless --purge)")
    .argument('<env>', 'environment: a name under environments/ or a path to one')
    .option('--purge', "also delete the environment's data, logs and configs (destroys data)")
    .option('-y, --yes', 'do not ask before destroying data');
  addRunOptions(command, { inventoryFlag: false }).action(
    async (env: string, options: PlaybookCliOptions & { purge?: boolean; yes?: boolean }) => {
      const extraVars = [...(options.extraVars ?? [])];
      if (options.purge) {
        await confirmDestruction(env, 'teardown --purge', options.yes);
        extraVars.push('purge=true');
      }
      process.exitCode = await runCommandPlaybooks(['teardown'], { ...options, inventory: env, extraVars });
    },
  );
}
