/**
 * `owctl deploy ENV`: setup, couchdb, initdb, [wipe,] apigateway, openwhisk, postdeploy — from
 * nothing to a working platform, or a no-op when it is already as configured.
 */
import type { Command } from 'commander';
import { loadEnvironment } from '../../engine/inventory/index.ts';
import { authFile, readAuthKeys } from '../../playbooks/lib/secrets.ts';
import { apiHost } from '../../playbooks/lib/topology.ts';
import { wskpropsFile } from '../../playbooks/lib/wskprops.ts';
import { confirmDestruction } from './confirm.ts';
import { addRunOptions, type PlaybookCliOptions, runCommandPlaybooks } from './playbook.ts';

export const DEPLOY_PLAYBOOKS = [
  'setup',
  'release',
  'couchdb',
  'initdb',
  'apigateway',
  'openwhisk',
  'postdeploy',
];

interface DeployOptions extends PlaybookCliOptions {
  wipe?: boolean;
  yes?: boolean;
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
    .description(`deploy the platform to an environment (${DEPLOY_PLAYBOOKS.join(', ')})`)
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
