/**
 * A deterministic tar writer for image layers: entries in the order given, owner root, a fixed
 * mtime, PAX headers for long names. The same entries always produce the same bytes, so a layer's
 * digest (its docker diff id) depends on content only. The total size is known before writing,
 * so a layer can be nested inside an image archive while it is being generated.
 */
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';

export type TarEntry =
  | { path: string; type: 'dir'; mode: number }
  | { path: string; type: 'symlink'; target: string }
  /** A file read from `source` (its size as stat saw it) or given as `content`. */
  | { path: string; type: 'file'; mode: number; size: number; source: string }
  | { path: string; type: 'file'; mode: number; size: number; content: Buffer }
  /** A file whose bytes are generated while writing (e.g. a layer inside an image archive). */
  | { path: string; type: 'file'; mode: number; size: number; generate: () => AsyncIterable<Buffer> };

const BLOCK = 512;
/** 2000-01-01T00:00:00Z: any fixed time works; 0 upsets some tools. */
export const FIXED_MTIME = 946684800;

function padded(size: number): number {
  return Math.ceil(size / BLOCK) * BLOCK;
}

function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, '0')}\0`;
}

function header(name: string, opts: { mode: number; size: number; type: string; link?: string }): Buffer {
  const h = Buffer.alloc(BLOCK);
  h.write(name, 0, 100, 'utf8');
  h.write(octal(opts.mode & 0o7777, 8), 100, 'ascii');
  h.write(octal(0, 8), 108, 'ascii');
  h.write(octal(0, 8), 116, 'ascii');
  h.write(octal(opts.size, 12), 124, 'ascii');
  h.write(octal(FIXED_MTIME, 12), 136, 'ascii');
  h.write('        ', 148, 'ascii');
  h.write(opts.type, 156, 'ascii');
  if (opts.link) h.write(opts.link, 157, 100, 'utf8');
  h.write('ustar\0', 257, 'ascii');
  h.write('00', 263, 'ascii');
  h.write('root', 265, 'ascii');
  h.write('root', 297, 'ascii');
  let sum = 0;
  for (const byte of h) sum += byte;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  return h;
}

/** "<len> key=value\n", where len counts the whole record including its own digits. */
function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let len = Buffer.byteLength(body);
  while (String(len).length + Buffer.byteLength(body) !== len)
    len = String(len).length + Buffer.byteLength(body);
  return `${len}${body}`;
}

/** The header blocks of one entry (a PAX header first when a name does not fit ustar). */
function headers(entry: TarEntry): Buffer[] {
  const name = entry.type === 'dir' ? `${entry.path}/` : entry.path;
  const link = entry.type === 'symlink' ? entry.target : undefined;
  const pax: string[] = [];
  if (Buffer.byteLength(name) > 100) pax.push(paxRecord('path', name));
  if (link && Buffer.byteLength(link) > 100) pax.push(paxRecord('linkpath', link));
  const out: Buffer[] = [];
  if (pax.length) {
    const body = Buffer.from(pax.join(''));
    out.push(header('PaxHeader', { mode: 0o644, size: body.length, type: 'x' }));
    out.push(Buffer.concat([body, Buffer.alloc(padded(body.length) - body.length)]));
  }
  const short = name.slice(0, 100);
  if (entry.type === 'dir') out.push(header(short, { mode: entry.mode, size: 0, type: '5' }));
  else if (entry.type === 'symlink')
    out.push(header(short, { mode: 0o777, size: 0, type: '2', link: (link ?? '').slice(0, 100) }));
  else out.push(header(short, { mode: entry.mode, size: entry.size, type: '0' }));
  return out;
}

/** Bytes of the tar the entries make. */
export function tarSize(entries: TarEntry[]): number {
  let size = 2 * BLOCK;
  for (const e of entries) {
    for (const h of headers(e)) size += h.length;
    if (e.type === 'file') size += padded(e.size);
  }
  return size;
}

/** The tar's bytes, in chunks; fails when a source file no longer has the size it was listed with. */
export async function* tarChunks(entries: TarEntry[]): AsyncGenerator<Buffer> {
  for (const e of entries) {
    yield* headers(e);
    if (e.type !== 'file') continue;
    if ('content' in e) yield e.content;
    else {
      const from = 'source' in e ? e.source : e.path;
      const chunks = 'source' in e ? readSource(e.source, e.size) : e.generate();
      let written = 0;
      for await (const chunk of chunks) {
        written += (chunk as Buffer).length;
        if (written > e.size) break;
        yield chunk as Buffer;
      }
      if (written !== e.size) {
        throw new Error(
          `${from} changed while its image layer was written (${written} bytes, expected ${e.size}); build again`,
        );
      }
    }
    const pad = padded(e.size) - e.size;
    if (pad) yield Buffer.alloc(pad);
  }
  yield Buffer.alloc(2 * BLOCK);
}

/** Small files in one read (most of a node_modules tree), big ones streamed. */
async function* readSource(path: string, size: number): AsyncGenerator<Buffer> {
  if (size <= 4 << 20) yield await readFile(path);
  else yield* createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>;
}
