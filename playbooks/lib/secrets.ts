/**
 * Per-environment credentials, generated once on the machine running owctl and stored 0600 under
 * `$OWCTL_HOME/<env>/secrets/`. Never regenerated: a redeploy must keep every client working.
 * Environments that set `well_known_keys: true` (only `local` ships with it) use OpenWhisk's
 * public guest and whisk.system keys so existing tutorials and tools work unchanged.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Inventory } from '../../engine/inventory/types.ts';
import { Secret } from '../../engine/secret.ts';
import { envStateDir } from './paths.ts';

/** OpenWhisk's published keys (ansible/files/auth.*): fine on a laptop, wrong anywhere reachable. */
const WELL_KNOWN: Record<Subject, string> = {
  guest:
    '23bc46b1-71f6-4ed5-8c54-816aa4f8c502:123zO3xZCLrMN6v2BKK1dXYFpXlPkccOFqm12CdAsMgRU4VrNZ9lyGVCGuMDGIwP',
  'whisk.system':
    '789c46b1-71f6-4ed5-8c54-816aa4f8c502:abczO3xZCLrMN6v2BKK1dXYFpXlPkccOFqm12CdAsMgRU4VrNZ9lyGVCGuMDGIwP',
};

export const SUBJECTS = ['guest', 'whisk.system'] as const;
export type Subject = (typeof SUBJECTS)[number];

export interface AuthKey {
  uuid: string;
  key: Secret;
  /** `uuid:key`, as wsk --auth takes it. */
  pair: Secret;
}

export function secretsDir(inventory: Inventory): string {
  return join(envStateDir(inventory), 'secrets');
}

export function authFile(inventory: Inventory, subject: Subject): string {
  return join(secretsDir(inventory), `auth.${subject}`);
}

function generateKey(): string {
  // Same shape as upstream keys: a UUID and 64 alphanumeric characters.
  const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  const bytes = randomBytes(64);
  const key = Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('');
  return `${randomUUID()}:${key}`;
}

function parsePair(text: string, file: string): AuthKey {
  const line = text.trim();
  const i = line.indexOf(':');
  if (i <= 0)
    throw new Error(
      `${file}: expected one line "uuid:key"; restore it from a backup or delete the environment's state with --purge`,
    );
  return { uuid: line.slice(0, i), key: new Secret(line.slice(i + 1)), pair: new Secret(line) };
}

/**
 * Reads the environment's keys, creating missing ones. Returns whether anything was created so
 * the setup playbook can report `changed`; in check mode nothing is written.
 */
export async function ensureAuthKeys(
  inventory: Inventory,
  opts: { wellKnown: boolean; check?: boolean },
): Promise<{ keys: Record<Subject, AuthKey>; created: Subject[] }> {
  const dir = secretsDir(inventory);
  const keys = {} as Record<Subject, AuthKey>;
  const created: Subject[] = [];
  for (const subject of SUBJECTS) {
    const file = authFile(inventory, subject);
    const existing = await readFile(file, 'utf8').catch(() => undefined);
    if (existing !== undefined) {
      keys[subject] = parsePair(existing, file);
      continue;
    }
    const pair = opts.wellKnown ? WELL_KNOWN[subject] : generateKey();
    created.push(subject);
    if (!opts.check) {
      await mkdir(dir, { recursive: true, mode: 0o700 });
      await writeFile(file, `${pair}\n`, { mode: 0o600 });
      await chmod(file, 0o600);
    }
    keys[subject] = parsePair(pair, file);
  }
  return { keys, created };
}

/** The keys of an environment that was set up; a clear error when it was not. */
export async function readAuthKeys(inventory: Inventory): Promise<Record<Subject, AuthKey>> {
  const keys = {} as Record<Subject, AuthKey>;
  for (const subject of SUBJECTS) {
    const file = authFile(inventory, subject);
    const text = await readFile(file, 'utf8').catch(() => undefined);
    if (text === undefined) {
      throw new Error(
        `${file} is missing: run \`owctl deploy ${inventory.name}\` (its setup playbook creates the keys)`,
      );
    }
    keys[subject] = parsePair(text, file);
  }
  return keys;
}
