/**
 * The `owctl` command line. Each subcommand lives in its own module exporting a register
 * function; add a command by adding one line to `commands`.
 */
import { Command } from 'commander';
import { reportError } from './errors.ts';

type RegisterCommand = (program: Command) => void;

/**
 * Extension point: one line per subcommand. Each is loaded only when it runs (or for --help),
 * so `owctl status` does not pay for the playbook engine and `owctl deploy` not for dockerode.
 */
const commands: Record<string, () => Promise<RegisterCommand>> = {
  deploy: async () => (await import('./deploy.ts')).registerDeployCommand,
  status: async () => (await import('./status.ts')).registerStatusCommand,
  teardown: async () => (await import('./teardown.ts')).registerTeardownCommand,
  logs: async () => (await import('./logs.ts')).registerLogsCommand,
  inventory: async () => (await import('./inventory.ts')).registerInventoryCommand,
  playbook: async () => (await import('./playbook.ts')).registerPlaybookCommand,
  images: async () => (await import('./images.ts')).registerImagesCommand,
};

/** The subcommands a command line needs: the one it names, or all of them for help and mistakes. */
async function commandsFor(argv: string[]): Promise<RegisterCommand[]> {
  const named = argv.slice(2).find((a) => !a.startsWith('-'));
  const wanted = named && named in commands ? [named] : Object.keys(commands);
  return await Promise.all(wanted.map((name) => commands[name]!()));
}

export function buildProgram(registers: RegisterCommand[]): Command {
  const program = new Command('owctl')
    .description('Deploy and operate an OpenWhisk-compatible platform from typed playbooks')
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  for (const register of registers) register(program);
  // Subcommands inherit exitOverride only when set before they are added, so set it everywhere.
  for (const command of program.commands) command.exitOverride();
  return program;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram(await commandsFor(argv)).parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    return reportError(err);
  }
}

process.exitCode = await main(process.argv);
