/**
 * The `wsk` program: an Apache OpenWhisk-compatible CLI. Each command group is a module in `commands/` with a
 * `register(program, ctx)`; add `trigger`, `rule`, `package`, `api` the same way.
 */
import { Command, CommanderError, Option } from 'commander';
import { register as registerAction } from './commands/action.ts';
import { register as registerActivation } from './commands/activation.ts';
import { register as registerApi } from './commands/api.ts';
import { register as registerNamespace } from './commands/namespace.ts';
import { register as registerPackage } from './commands/package.ts';
import { register as registerProperty } from './commands/property.ts';
import { register as registerRule } from './commands/rule.ts';
import { register as registerTrigger } from './commands/trigger.ts';
import { CommandContext } from './context.ts';
import { WskError } from './errors.ts';
import { type Output, stdio } from './output.ts';
import { extractKeyValueArgs } from './params.ts';

const REGISTRATIONS = [
  registerAction,
  registerActivation,
  registerApi,
  registerNamespace,
  registerPackage,
  registerProperty,
  registerRule,
  registerTrigger,
];

function globalOptions(): Option[] {
  return [
    new Option('-i, --insecure', 'bypass certificate checking'),
    new Option('-u, --auth <KEY>', 'authorization KEY'),
    new Option('--apihost <HOST>', 'whisk API HOST'),
    new Option('--apiversion <VERSION>', 'whisk API VERSION'),
    new Option('-v, --verbose', 'verbose output'),
    new Option('-d, --debug', 'debug level output'),
  ];
}

/**
 * Global flags are accepted before the command (`wsk -i action list`) and after it
 * (`wsk action list -i`), as upstream. Commands that define a flag of the same name themselves
 * (`property get --apihost`) keep their own meaning.
 */
function addGlobalOptions(cmd: Command): void {
  for (const sub of cmd.commands) {
    if (sub.commands.length) {
      addGlobalOptions(sub);
      continue;
    }
    const taken = new Set(sub.options.flatMap((o) => [o.long, o.short]).filter(Boolean));
    for (const opt of globalOptions()) if (!taken.has(opt.long) && !taken.has(opt.short)) sub.addOption(opt);
  }
}

function buildProgram(ctx: CommandContext, output: Output): Command {
  const program = new Command('wsk')
    .description('OpenWhisk cloud computing command line interface.')
    .enablePositionalOptions()
    .configureOutput({ writeOut: output.out, writeErr: output.err })
    .exitOverride();
  for (const opt of globalOptions()) program.addOption(opt);
  for (const register of REGISTRATIONS) register(program, ctx);
  addGlobalOptions(program);
  return program;
}

/** Runs the CLI on `argv` (without node and script) and resolves to the process exit code. */
export async function runWsk(argv: string[], output: Output = stdio, env: NodeJS.ProcessEnv = process.env) {
  let ctx: CommandContext | undefined;
  try {
    const lifted = extractKeyValueArgs(argv);
    ctx = new CommandContext(output, lifted, env);
    const program = buildProgram(ctx, output);
    program.commands.forEach(function exit(c: Command) {
      c.exitOverride();
      c.commands.forEach(exit);
    });
    await program.parseAsync(lifted.argv, { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // commander already printed its message (or the help text, which exits 0).
      if (err.exitCode === 0) return 0;
      output.err("Run 'wsk --help' for usage.\n");
      return 1;
    }
    if (err instanceof WskError) {
      if (!err.silent) output.err(`error: ${err.message}\n`);
      if (err.showUsage) output.err("Run 'wsk --help' for usage.\n");
      return err.exitCode;
    }
    output.err(`error: ${(err as Error).stack ?? String(err)}\n`);
    return 1;
  } finally {
    await ctx?.close();
  }
}
