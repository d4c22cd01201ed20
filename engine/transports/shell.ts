/**
 * Shell command lines shared by every transport: all of them run `sh -c LINE`, so cwd, env and
 * become are expressed in the line itself and behave the same locally, over SSH and in a container.
 */
import type { ExecOptions, FileStat } from './transport.ts';

/** Single-quotes a word for POSIX sh. */
export function quote(word: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The command with its cwd, env and timeout applied, still to be run by `sh -c`. */
export function scriptFor(
  command: string,
  options: Pick<ExecOptions, 'cwd' | 'env' | 'timeoutMs'> = {},
): string {
  const parts: string[] = [];
  for (const [name, value] of Object.entries(options.env ?? {})) {
    if (!ENV_NAME.test(name)) {
      throw new Error(
        `environment variable name ${JSON.stringify(name)} is not valid: use letters, digits, _`,
      );
    }
    parts.push(`export ${name}=${quote(value)};`);
  }
  if (options.cwd) parts.push(`cd ${quote(options.cwd)} &&`);
  parts.push(command);
  const script = parts.join(' ');
  return options.timeoutMs === undefined ? script : timeoutScript(script, options.timeoutMs);
}

/** How long past its timeout a transport waits for a command before abandoning it. */
export const TIMEOUT_GRACE_MS = 3000;

/**
 * Kills the whole command (its process group, via `timeout`) on the host itself after ms, so
 * nothing keeps running there (GNU timeout signals the process group; busybox only the command).
 */
export function timeoutScript(script: string, ms: number): string {
  const secs = Math.max(ms, 1) / 1000;
  return (
    `if command -v timeout >/dev/null 2>&1; then exec timeout -k 1 ${secs} sh -c ${quote(script)}; ` +
    `else exec sh -c ${quote(script)}; fi`
  );
}

/** The full line for a remote login shell: always POSIX sh, via non-interactive sudo when becoming. */
export function commandLine(script: string, sudo: boolean): string {
  return sudo ? `sudo -n -- sh -c ${quote(script)}` : `sh -c ${quote(script)}`;
}

/** Where a file is staged before the atomic rename: next to the target, so rename stays on one fs. */
export function stagingPath(path: string): string {
  const slash = path.lastIndexOf('/');
  const dir = slash >= 0 ? path.slice(0, slash + 1) : '';
  const base = path.slice(slash + 1);
  return `${dir}.${base}.owctl-${process.pid}-${Math.random().toString(36).slice(2, 10)}`;
}

export function parentDir(path: string): string {
  const slash = path.lastIndexOf('/');
  if (slash > 0) return path.slice(0, slash);
  return slash === 0 ? '/' : '.';
}

/**
 * Reads stdin into `path` atomically: stage next to it, set the mode (given, else the replaced
 * file's, else 0644), rename over the target. Used where a shell writes the file (containers,
 * SSH with become).
 */
export function writeFromStdinScript(path: string, mode: number | undefined): string {
  const tmp = quote(stagingPath(path));
  const dest = quote(path);
  const chmod =
    mode === undefined
      ? `{ [ ! -f ${dest} ] || chmod "$(stat -c %a ${dest})" ${tmp}; }`
      : `chmod ${mode.toString(8)} ${tmp}`;
  const steps = [`mkdir -p ${quote(parentDir(path))}`, `cat > ${tmp}`, chmod, `mv -f ${tmp} ${dest}`];
  return `umask 022; ${steps.join(' && ')} || { rc=$?; rm -f ${tmp}; exit $rc; }`;
}

/** `stat` without following the final symlink, in a format parseStatLine reads (GNU and busybox). */
export function statScript(path: string): string {
  return `if [ -e ${quote(path)} ] || [ -L ${quote(path)} ]; then stat -c '%f %u %g %s %Y' ${quote(path)}; else exit ${MISSING_EXIT}; fi`;
}

/** Exit code statScript and readScript use for "no such file". */
export const MISSING_EXIT = 44;

/** `cat` that tells a missing file (MISSING_EXIT) from an unreadable one. */
export function readScript(path: string): string {
  return `if [ -e ${quote(path)} ]; then cat ${quote(path)}; else exit ${MISSING_EXIT}; fi`;
}

export function parseStatLine(line: string): FileStat {
  const [rawMode, uid, gid, size, mtime] = line.trim().split(/\s+/);
  const mode = Number.parseInt(rawMode ?? '', 16);
  if (Number.isNaN(mode)) throw new Error(`unexpected stat output ${JSON.stringify(line)}`);
  const type = mode & 0o170000;
  return {
    isFile: type === 0o100000,
    isDirectory: type === 0o040000,
    isSymlink: type === 0o120000,
    mode: mode & 0o7777,
    uid: Number(uid),
    gid: Number(gid),
    size: Number(size),
    mtimeMs: Number(mtime) * 1000,
  };
}
