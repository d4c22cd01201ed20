/**
 * `owctl playbook NAME|PATH… -i ENV`: ansible-playbook for owctl. The pipeline (load environment,
 * open transports, run, render, exit code) is `runCommandPlaybooks`, which `owctl deploy` reuses,
 * and the flags are declared once by `addRunOptions` so every such command takes the same ones.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type Command, InvalidArgumentError } from 'commander';
import { loadEnvironment } from '../../engine/inventory/load.ts';
import type { Inventory } from '../../engine/inventory/types.ts';
import { JsonReporter } from '../../engine/output/json.ts';
import { ListrReporter } from '../../engine/output/listr.ts';
import { PlainReporter } from '../../engine/output/plain.ts';
import type { Reporter } from '../../engine/output/reporter.ts';
import type { Playbook } from '../../engine/runner/playbook.ts';
import { exitCodeFor } from '../../engine/runner/recap.ts';
import { runPlaybooks } from '../../engine/runner/runner.ts';
import { TransportPool } from '../../engine/transports/pool.ts';
import { confirmDestruction } from './confirm.ts';
import { UsageError } from './errors.ts';

export const PLAYBOOKS_DIR = fileURLToPath(new URL('../../playbooks/', import.meta.url));

export interface PlaybookCliOptions {
  /** -i: environment name under environments/, or a path. */
  inventory: string;
  check?: boolean;
  diff?: boolean;
  limit?: string;
  tags?: string[];
  skipTags?: string[];
  extraVars?: string[];
  json?: boolean;
  forks?: number;
  verbose?: number;
  expectNoChanges?: boolean;
}

/** The flags shared by every command that runs playbooks (playbook, deploy, teardown…). */
export function addRunOptions(command: Command, opts: { inventoryFlag?: boolean } = {}): Command {
  // `deploy ENV` and friends take the environment as an argument instead of -i.
  if (opts.inventoryFlag !== false) {
    command.requiredOption(
      '-i, --inventory <env>',
      'environment: a name under environments/ or a path to one',
    );
  }
  return command
    .option('-C, --check', "don't change anything; report what would change")
    .option('-D, --diff', 'show unified diffs of what changes (or would change)')
    .option('-l, --limit <pattern>', 'further limit the hosts, e.g. "controllers" or "host1:host2"')
    .option(
      '-t, --tags <tags>',
      'only run tasks with these tags (comma-separated, repeatable)',
      collectList,
      [],
    )
    .option('--skip-tags <tags>', 'skip tasks with these tags (comma-separated, repeatable)', collectList, [])
    .option('-e, --extra-vars <vars>', 'set variables: k=v, @file.yml or JSON (repeatable)', collect, [])
    .option('-f, --forks <n>', 'hosts worked on at once (default: the forks variable, 10)', positiveInt)
    .option('--json', 'JSON lines on stdout; the last line is the recap')
    .option('-v, --verbose', 'more output: module log lines, diffs, timings (-vv…)', increase, 0)
    .option(
      '--expect-no-changes',
      'exit 3 when anything changed (or, with --check, would change): drift detection',
    );
}

export function registerPlaybookCommand(program: Command): void {
  const command = program
    .command('playbook')
    .description('run playbooks against an environment, like ansible-playbook')
    .argument(
      '<playbooks...>',
      `playbook names (${listPlaybooks().join(', ') || 'see playbooks/'}) or paths to .ts files`,
    );
  command.option('-y, --yes', 'do not ask before running a playbook that destroys data (wipe)');
  addRunOptions(command).action(async (names: string[], options: PlaybookCliOptions & { yes?: boolean }) => {
    if (!options.check) {
      for (const name of names) {
        const playbook = await loadPlaybook(name);
        if (playbook.destructive)
          await confirmDestruction(
            options.inventory,
            `playbook ${name} (${playbook.destructive})`,
            options.yes,
          );
      }
    }
    process.exitCode = await runCommandPlaybooks(names, options);
  });
}

/** The whole pipeline; returns the exit code (0 ok, 2 failed, 3 drift, 4 unreachable). */
export async function runCommandPlaybooks(names: string[], cliOpts: PlaybookCliOptions): Promise<number> {
  const playbooks: Playbook[] = [];
  for (const name of names) playbooks.push(await loadPlaybook(name));
  const inventory = await loadEnvironment(cliOpts.inventory, { extraVars: cliOpts.extraVars ?? [] });
  const reporter = chooseReporter(cliOpts);
  const interrupt = new AbortController();
  const onSigint = () => {
    if (interrupt.signal.aborted) process.exit(130);
    process.stderr.write('\nowctl: interrupted; finishing the running tasks (Ctrl-C again to quit now)\n');
    interrupt.abort();
  };
  process.on('SIGINT', onSigint);
  try {
    const recap = await runPlaybooks(playbooks, {
      inventory,
      transports: new TransportPool(),
      check: cliOpts.check,
      diff: cliOpts.diff,
      limit: cliOpts.limit,
      tags: cliOpts.tags,
      skipTags: cliOpts.skipTags,
      forks: cliOpts.forks ?? forksOf(inventory),
      verbose: cliOpts.verbose,
      reporter,
      journalPath: journalPathFor(inventory),
      expectNoChanges: cliOpts.expectNoChanges,
      signal: interrupt.signal,
    });
    return exitCodeFor(recap, cliOpts.expectNoChanges);
  } finally {
    process.off('SIGINT', onSigint);
  }
}

export function chooseReporter(opts: Pick<PlaybookCliOptions, 'json' | 'verbose' | 'diff'>): Reporter {
  if (opts.json) return new JsonReporter({ verbose: opts.verbose });
  if (process.stdout.isTTY) return new ListrReporter({ verbose: opts.verbose, diff: opts.diff });
  return new PlainReporter({ verbose: opts.verbose, diff: opts.diff });
}

/** Handlers still to run live with the environment's other state: $OWCTL_HOME/<env>/journal.json. */
export function journalPathFor(inventory: Inventory): string {
  const first = inventory.hosts.values().next().value;
  const home = process.env.OWCTL_HOME || (first?.vars.owctl_home as string | undefined);
  if (!home) {
    throw new UsageError(
      `environment ${inventory.name} sets no owctl_home and OWCTL_HOME is unset; set either to a folder for owctl's state`,
    );
  }
  return join(home, inventory.name, 'journal.json');
}

function forksOf(inventory: Inventory): number | undefined {
  const first = inventory.hosts.values().next().value;
  const forks = first?.vars.forks;
  return typeof forks === 'number' ? forks : undefined;
}

/** NAME is playbooks/NAME.ts; anything with a slash or a .ts suffix is a path from the cwd. */
export async function loadPlaybook(ref: string): Promise<Playbook> {
  const isPath = ref.includes('/') || ref.endsWith('.ts');
  const file = isPath ? resolve(ref) : join(PLAYBOOKS_DIR, `${ref}.ts`);
  if (!existsSync(file)) {
    const hint = isPath ? 'check the path' : `known playbooks: ${listPlaybooks().join(', ') || 'none'}`;
    throw new UsageError(`playbook "${ref}" not found (looked for ${file}); ${hint}`);
  }
  let mod: { default?: unknown };
  try {
    mod = await import(pathToFileURL(file).href);
  } catch (err) {
    throw new UsageError(`playbook ${file} could not be loaded: ${(err as Error).message}`);
  }
  const playbook = mod.default as Partial<Playbook> | undefined;
  if (!playbook || typeof playbook !== 'object' || !Array.isArray(playbook.plays)) {
    throw new UsageError(
      `${file} does not default-export a playbook; end it with \`export default definePlaybook({ name, plays })\``,
    );
  }
  return { ...playbook, name: playbook.name ?? ref } as Playbook;
}

function listPlaybooks(): string[] {
  if (!existsSync(PLAYBOOKS_DIR)) return [];
  return readdirSync(PLAYBOOKS_DIR)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => f.slice(0, -3))
    .sort();
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function collectList(value: string, previous: string[]): string[] {
  return [
    ...previous,
    ...value
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean),
  ];
}

function increase(_value: string, previous: number): number {
  return previous + 1;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number of at least 1');
  return n;
}
