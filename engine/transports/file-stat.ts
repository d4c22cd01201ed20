/** FileStat from the stat objects node:fs and ssh2's SFTP return (same methods, mtime in different units). */
import type { FileStat } from './transport.ts';

/** What node:fs Stats and ssh2 Stats both have. */
export interface StatLike {
  isFile(): boolean;
  isDirectory(): boolean;
  isSymbolicLink(): boolean;
  mode: number;
  uid: number;
  gid: number;
  size: number;
}

/** `mtimeMs` is passed in because node gives milliseconds and SFTP whole seconds. */
export function fileStatOf(st: StatLike, mtimeMs: number): FileStat {
  return {
    isFile: st.isFile(),
    isDirectory: st.isDirectory(),
    isSymlink: st.isSymbolicLink(),
    mode: st.mode & 0o7777,
    uid: st.uid,
    gid: st.gid,
    size: st.size,
    mtimeMs,
  };
}
