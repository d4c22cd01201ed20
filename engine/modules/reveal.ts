/** Secrets inside structured values (vars, JSON bodies, documents) for code that must send them. */
import { isSecret, type Secret } from '../secret.ts';

/**
 * A copy of `value` with every Secret replaced by its value; plain objects and arrays are walked,
 * other objects kept as they are. Revealed values are added to `revealed` when given.
 */
export function revealDeep(value: unknown, revealed?: Set<string>): unknown {
  if (isSecret(value)) {
    const plain = value.reveal();
    if (plain !== '') revealed?.add(plain);
    return plain;
  }
  if (Array.isArray(value)) return value.map((v) => revealDeep(v, revealed));
  if (value !== null && typeof value === 'object') {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) return value;
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, revealDeep(v, revealed)]));
  }
  return value;
}

/** A URL given as text or as a Secret (credentials inside). */
export type SecretUrl = string | Secret;

/**
 * Splits credentials off a URL: the bare URL (safe to show and to hand to fetch-like clients, which
 * refuse userinfo) and the Authorization header they become.
 */
export function splitCredentials(url: SecretUrl): { url: string; authorization?: string } {
  const parsed = new URL(isSecret(url) ? url.reveal() : url);
  if (!parsed.username && !parsed.password) return { url: parsed.toString() };
  const user = decodeURIComponent(parsed.username);
  const password = decodeURIComponent(parsed.password);
  parsed.username = '';
  parsed.password = '';
  return {
    url: parsed.toString(),
    authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
  };
}

/** The URL for messages: credentials removed, unparsable URLs not echoed (they may hold one). */
export function showUrl(url: SecretUrl): string {
  try {
    return splitCredentials(url).url;
  } catch {
    return '(invalid URL)';
  }
}
