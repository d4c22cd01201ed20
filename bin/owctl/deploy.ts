/**
 * `owctl deploy ENV`: setup, couchdb, initdb, [wipe,] apigateway, openwhisk, postdeploy — from
 * nothing to a working platform, or a no-op when it is already as configured.
 */
import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { loadEnvironment } from '../../engine/inventory/index.ts';
import { authFile, readAuthKeys } from '../../playbooks/lib/secrets.ts';
import { apiHost } from '../../playbooks/lib/topology.ts';
import { wskpropsFile } from '../../playbooks/lib/wskprops.ts';
import { UsageError } from './errors.ts';
import { addRunOptions, type PlaybookCliOptions, runCommandPlaybooks } from './playbook.ts';

export const DEPLOY_PLAYBOOKS = ['setup', 'couchdb', 'initdb', 'apigateway', 'openwhisk', 'postdeploy'];

interface DeployOptions extends PlaybookCliOptions {
  wipe?: boolean;
  yes?: boolean;
}

/** Destroying data needs the user's word: --yes, or typing the environment's name on a terminal. */
export async function confirmDestruction(env: string, what: string, yes?: boolean): Promise<void> {
  if (yes) return;
  if (!process.stdin.isTTY) {
    throw new UsageError(
      `${what} in environment ${env} destroys data; pass --yes to confirm (no terminal to ask on)`,
    );
  }
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  const answer = await rl.question(
    `${what} in environment "${env}" destroys data. Type the environment name to go on: `,
  );
  rl.close();
  if (answer.trim() !== env) throw new UsageError('not confirmed; nothing was changed');
}

async function printSummary(envArg: string, extraVars: string[]): Promise<void> {
  const inventory = await loadEnvironment(envArg, { extraVars });
  const keys = await readAuthKeys(inventory);
  const host = apiHost(inventory);
  const lines = [
    '',
    `OpenWhisk API host: ${host}`,
    `Credentials: ${authFile(inventory, 'guest')} (and auth.whisk.system beside it)`,
    `wsk config: WSK_CONFIG_FILE=${wskpropsFile(inventory)}, or:`,
    `  wsk property set --apihost ${host}`,
    `  wsk property set --auth $(cat ${authFile(inventory, 'guest')})`,
  ];
  void keys;
  process.stdout.write(`${lines.join('\n')}\n`);
}

export function registerDeployCommand(program: Command): void {
  const command = program
    .command('deploy')
    .description(
      'deploy the platform to an environment (setup, couchdb, initdb, apigateway, openwhisk, postdeploy)',
    )
    .argument('<env>', 'environment: a name under environments/ or a path to one')
    .option('--wipe', 'delete and recreate the whisks and activations databases (destroys data)')
    .option('-y, --yes', 'do not ask before destroying data');
  addRunOptions(command, { inventoryFlag: false }).action(async (env: string, options: DeployOptions) => {
    const playbooks = [...DEPLOY_PLAYBOOKS];
    if (options.wipe) {
      await confirmDestruction(env, 'deploy --wipe', options.yes);
      playbooks.splice(playbooks.indexOf('initdb') + 1, 0, 'wipe');
    }
    const code = await runCommandPlaybooks(playbooks, { ...options, inventory: env });
    if (code === 0 && !options.json && !options.check) await printSummary(env, options.extraVars ?? []);
    process.exitCode = code;
  });
}
