/**
 * The `owctl` command line. Each subcommand lives in its own module exporting a register
 * function; add a command by adding one line to `commands`.
 */
import { Command } from 'commander';
import { registerDeployCommand } from './deploy.ts';
import { reportError } from './errors.ts';
import { registerImagesCommand } from './images.ts';
import { registerInventoryCommand } from './inventory.ts';
import { registerLogsCommand } from './logs.ts';
import { registerPlaybookCommand } from './playbook.ts';
import { registerStatusCommand } from './status.ts';
import { registerTeardownCommand } from './teardown.ts';

type RegisterCommand = (program: Command) => void;

/** Extension point: `deploy`, `status`, `teardown`, `logs`, `images` register themselves here. */
const commands: RegisterCommand[] = [
  registerDeployCommand,
  registerStatusCommand,
  registerTeardownCommand,
  registerLogsCommand,
  registerInventoryCommand,
  registerPlaybookCommand,
  registerImagesCommand,
];

export function buildProgram(): Command {
  const program = new Command('owctl')
    .description('Deploy and operate an OpenWhisk-compatible platform from typed playbooks')
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  for (const register of commands) register(program);
  // Subcommands inherit exitOverride only when set before they are added, so set it everywhere.
  for (const command of program.commands) command.exitOverride();
  return program;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    return reportError(err);
  }
}

process.exitCode = await main(process.argv);
