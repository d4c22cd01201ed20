/** Promise wrappers over the ssh2 SFTP calls the SSH transport uses; missing paths become undefined. */
import type { SFTPWrapper, Stats } from 'ssh2';
import { fileStatOf } from './file-stat.ts';
import type { FileStat } from './transport.ts';

/** SFTP status codes (draft-ietf-secsh-filexfer-02). */
export const SFTP_NO_SUCH_FILE = 2;
export const SFTP_PERMISSION_DENIED = 3;

export function sftpCode(err: unknown): number | undefined {
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  return typeof code === 'number' ? code : undefined;
}

function settle<T>(resolve: (v: T) => void, reject: (e: Error) => void) {
  return (err: Error | null | undefined, value?: T) => (err ? reject(err) : resolve(value as T));
}

export async function sftpRead(sftp: SFTPWrapper, path: string): Promise<Buffer | undefined> {
  try {
    return await new Promise<Buffer>((resolve, reject) => sftp.readFile(path, settle(resolve, reject)));
  } catch (err) {
    if (sftpCode(err) === SFTP_NO_SUCH_FILE) return undefined;
    throw err;
  }
}

export async function sftpLstat(sftp: SFTPWrapper, path: string): Promise<FileStat | undefined> {
  try {
    const st = await new Promise<Stats>((resolve, reject) => sftp.lstat(path, settle(resolve, reject)));
    return fileStatOf(st, st.mtime * 1000);
  } catch (err) {
    if (sftpCode(err) === SFTP_NO_SUCH_FILE) return undefined;
    throw err;
  }
}

/** mkdir -p over SFTP. */
export async function sftpMkdirs(sftp: SFTPWrapper, dir: string): Promise<void> {
  const parts = dir.split('/').filter(Boolean);
  let prefix = dir.startsWith('/') ? '' : '.';
  for (const part of parts) {
    prefix += `/${part}`;
    const st = await sftpLstat(sftp, prefix);
    if (st) continue;
    const path = prefix;
    const failure = await new Promise<Error | undefined>((resolve) =>
      sftp.mkdir(path, (err) => resolve(err ?? undefined)),
    );
    // A concurrent writer may have created it meanwhile; only a still-missing directory is an error.
    if (failure && !(await sftpLstat(sftp, path))) throw failure;
  }
}

/** Writes `tmp` with exactly `mode` (chmod after, as the server's umask applies at create). */
export async function sftpWriteExact(
  sftp: SFTPWrapper,
  tmp: string,
  data: Buffer,
  mode: number,
): Promise<void> {
  await new Promise<void>((resolve, reject) => sftp.writeFile(tmp, data, { mode }, settle(resolve, reject)));
  await new Promise<void>((resolve, reject) => sftp.chmod(tmp, mode, settle(resolve, reject)));
}

/** Atomic replace (posix-rename@openssh.com); plain SFTP rename refuses an existing target. */
export async function sftpReplace(sftp: SFTPWrapper, from: string, to: string): Promise<void> {
  await new Promise<void>((resolve, reject) => sftp.ext_openssh_rename(from, to, settle(resolve, reject)));
}

export async function sftpRemove(sftp: SFTPWrapper, path: string): Promise<void> {
  await new Promise<void>((resolve) => sftp.unlink(path, () => resolve()));
}
