/**
 * OpenSSH known_hosts: plain and hashed (`|1|salt|hash`) host patterns, `[host]:port` for
 * non-standard ports, wildcards and negation, @revoked markers. @cert-authority lines are skipped
 * (host certificates are not supported).
 */
import { createHmac } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';

export interface KnownKey {
  type: string;
  /** The public key blob (base64-decoded), as the server presents it. */
  blob: Buffer;
  revoked: boolean;
  /** file:line, for error messages. */
  where: string;
}

export function defaultKnownHostsFiles(): string[] {
  return [`${homedir()}/.ssh/known_hosts`, '/etc/ssh/ssh_known_hosts'];
}

/** The name a host is recorded under: `host` on port 22, `[host]:port` otherwise. */
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

/** Every key recorded for host:port across the given files (missing files are skipped). */
export async function knownKeysFor(files: string[], host: string, port: number): Promise<KnownKey[]> {
  const name = knownHostsName(host, port);
  const keys: KnownKey[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch {
      continue;
    }
    text.split('\n').forEach((raw, index) => {
      const key = parseLine(raw, name, `${file}:${index + 1}`);
      if (key) keys.push(key);
    });
  }
  return keys;
}

function parseLine(raw: string, name: string, where: string): KnownKey | undefined {
  const line = raw.trim();
  if (!line || line.startsWith('#')) return undefined;
  const fields = line.split(/\s+/);
  let marker = '';
  if (fields[0]?.startsWith('@')) marker = fields.shift() ?? '';
  if (marker === '@cert-authority') return undefined;
  const [patterns, type, base64] = fields;
  if (!patterns || !type || !base64) return undefined;
  if (!hostMatches(patterns, name)) return undefined;
  return { type, blob: Buffer.from(base64, 'base64'), revoked: marker === '@revoked', where };
}

function hostMatches(patterns: string, name: string): boolean {
  if (patterns.startsWith('|1|')) return hashedMatches(patterns, name);
  let matched = false;
  for (const pattern of patterns.split(',')) {
    const negated = pattern.startsWith('!');
    const body = negated ? pattern.slice(1) : pattern;
    if (wildcard(body).test(name)) {
      if (negated) return false;
      matched = true;
    }
  }
  return matched;
}

function hashedMatches(entry: string, name: string): boolean {
  const [, , salt, hash] = entry.split('|');
  if (!salt || !hash) return false;
  const digest = createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64');
  return digest === hash;
}

function wildcard(pattern: string): RegExp {
  const escaped = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`, 'i');
}

/** Key type named inside an SSH public key blob (first length-prefixed string). */
export function blobType(blob: Buffer): string {
  if (blob.length < 4) return '';
  const len = blob.readUInt32BE(0);
  return blob.subarray(4, 4 + len).toString('latin1');
}
