/**
 * What owctl records on the objects it creates, so a later run can tell whether anything changed
 * without keeping state of its own: a hash of the desired config, and a display copy for diffs.
 */
import { createHash } from 'node:crypto';

/** Hash of the container's desired config (secrets included, so changing one recreates). */
export const CONFIG_HASH_LABEL = 'owctl.config-hash';
/** The desired config as shown in diffs (secrets masked), to name the keys that changed. */
export const CONFIG_LABEL = 'owctl.config';
/** Hash of an image's build context or imported tarball. */
export const CONTENT_HASH_LABEL = 'owctl.content-hash';

/** JSON with object keys sorted, so equal values always hash the same. */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** undefined for a 404 from the engine (no such container/image/network); other errors rethrown. */
export async function unlessMissing<T>(probe: Promise<T>): Promise<T | undefined> {
  try {
    return await probe;
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode === 404) return undefined;
    throw err;
  }
}
