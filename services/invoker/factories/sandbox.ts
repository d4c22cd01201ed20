/**
 * Sandboxing of process containers with bubblewrap: a private mount namespace holding read-only
 * binds of only what a runtime needs (system dirs, the interpreter's installation, the proxy file),
 * a private tmpfs /tmp and an empty private HOME. The network namespace is shared so the proxy's
 * loopback port is reachable from the invoker.
 */
import { execFile } from 'node:child_process';
import { existsSync, lstatSync, readlinkSync, realpathSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** HOME inside the sandbox; bound to the container's scratch dir. */
export const SANDBOX_HOME = '/home/action';
/** Where the proxy file appears inside the sandbox. */
export const SANDBOX_RUNTIME_DIR = '/runtime';

/** A resolved interpreter: its real binary and the installation prefix the sandbox must bind. */
export interface Interpreter {
  path: string;
  prefix: string;
}

/** System locations bound read-only when they exist (symlinks such as /lib -> usr/lib are recreated). */
const SYSTEM_PATHS = ['/usr', '/bin', '/sbin', '/lib', '/lib64', '/lib32', '/libx32'];
const SYSTEM_FILES = [
  '/etc/ssl',
  '/etc/ca-certificates',
  '/etc/resolv.conf',
  '/etc/hosts',
  '/etc/nsswitch.conf',
  '/etc/localtime',
  '/etc/ld.so.cache',
  '/etc/alternatives',
];

export function findOnPath(program: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, program);
    if (dir && existsSync(candidate)) return candidate;
  }
  return undefined;
}

const interpreters = new Map<string, Promise<Interpreter>>();

/**
 * Resolves `node` / `python3` to the real binary and its installation prefix. Shims such as pyenv's
 * are scripts needing the user's whole environment, so the interpreter is asked where it lives.
 */
export function resolveInterpreter(program: string): Promise<Interpreter> {
  let found = interpreters.get(program);
  if (!found) {
    found = locate(program);
    interpreters.set(program, found);
    found.catch(() => interpreters.delete(program));
  }
  return found;
}

async function locate(program: string): Promise<Interpreter> {
  if (program === 'node') {
    const path = realpathSync(process.execPath);
    return { path, prefix: dirname(dirname(path)) };
  }
  const script = program.startsWith('python')
    ? 'import sys;print(sys.executable);print(sys.base_prefix)'
    : undefined;
  if (!script) {
    const onPath = findOnPath(program);
    if (!onPath) throw new Error(`The runtime interpreter '${program}' is not on PATH; install it.`);
    const path = realpathSync(onPath);
    return { path, prefix: dirname(dirname(path)) };
  }
  try {
    const { stdout } = await run(program, ['-c', script], { timeout: 10_000 });
    const [exe, prefix] = stdout.trim().split('\n');
    if (!exe || !prefix) throw new Error(`unexpected output '${stdout.trim()}'`);
    return { path: realpathSync(exe), prefix: realpathSync(prefix) };
  } catch (err) {
    throw new Error(
      `Cannot locate the runtime interpreter '${program}': ${(err as Error).message}. Install it or fix PATH.`,
    );
  }
}

function isUnder(path: string, dir: string): boolean {
  return path === dir || path.startsWith(`${dir}/`);
}

/** bwrap arguments that bind a system path (or recreate it as the symlink it is on the host). */
function systemBind(path: string): string[] {
  if (!existsSync(path)) return [];
  const stat = lstatSync(path);
  if (stat.isSymbolicLink()) return ['--symlink', readlinkSync(path), path];
  return ['--ro-bind', path, path];
}

export interface SandboxSpec {
  interpreter: Interpreter;
  /** The proxy file on the host; bound read-only into SANDBOX_RUNTIME_DIR. */
  proxyFile: string;
  /** The container's scratch dir on the host; bound read-write as HOME. */
  homeDir: string;
}

/** The bwrap command line prefix; append the interpreter invocation with sandbox paths. */
export function bwrapArgs(spec: SandboxSpec): string[] {
  const args = ['--unshare-all', '--share-net', '--die-with-parent', '--new-session'];
  for (const p of SYSTEM_PATHS) args.push(...systemBind(p));
  for (const p of SYSTEM_FILES) if (existsSync(p)) args.push('--ro-bind', p, p);
  // The interpreter's own installation (e.g. ~/.pyenv/versions/3.11.7), never its owner's home.
  const prefix = spec.interpreter.prefix;
  if (prefix !== '/' && !SYSTEM_PATHS.some((p) => isUnder(prefix, p))) args.push('--ro-bind', prefix, prefix);
  const proxyName = spec.proxyFile.split('/').pop() ?? 'proxy';
  args.push(
    '--ro-bind',
    spec.proxyFile,
    `${SANDBOX_RUNTIME_DIR}/${proxyName}`,
    '--proc',
    '/proc',
    '--dev',
    '/dev',
    '--tmpfs',
    '/tmp',
    '--bind',
    spec.homeDir,
    SANDBOX_HOME,
    '--chdir',
    SANDBOX_HOME,
  );
  return args;
}

/** Path of the proxy file as the sandboxed interpreter sees it. */
export function sandboxedProxyPath(proxyFile: string): string {
  return `${SANDBOX_RUNTIME_DIR}/${proxyFile.split('/').pop() ?? 'proxy'}`;
}

let probe: Promise<string | undefined> | undefined;

/**
 * Whether bwrap can start a sandbox here (it needs user namespaces, which containers often deny).
 * Resolves to the bwrap path, or undefined with the reason logged by the caller.
 */
export function probeBwrap(homeDir: string): Promise<{ bwrap?: string; reason?: string }> {
  const bwrap = findOnPath('bwrap');
  if (!bwrap) return Promise.resolve({ reason: 'bwrap is not installed (apt-get install bubblewrap)' });
  probe ??= (async () => {
    const node = await resolveInterpreter('node');
    const args = bwrapArgs({ interpreter: node, proxyFile: process.execPath, homeDir });
    try {
      await run(bwrap, [...args, node.path, '-e', '0'], { timeout: 10_000 });
      return undefined;
    } catch (err) {
      return `bwrap failed its startup probe: ${((err as { stderr?: string }).stderr || (err as Error).message).trim()}`;
    }
  })();
  return probe.then((reason) => (reason ? { reason } : { bwrap }));
}
