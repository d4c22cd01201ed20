/**
 * Which variables are secrets. After validation, db.password and every variable whose name is
 * `password`, ends in `_password`, `_key` or `_secret`, or starts with `auth_` (at any depth) is
 * wrapped in a Secret, so printing it shows ******** unless the user asks for --show-secrets.
 * Templates see the plain values (references resolve before wrapping).
 */
import { isSecret, SECRET_MASK, Secret } from '../secret.ts';
import { isPlainObject, splitPath, type VarTree } from './vars.ts';

export function isSecretName(name: string): boolean {
  return name === 'password' || /_(password|key|secret)$/.test(name) || name.startsWith('auth_');
}

export function isSecretPath(path: string | readonly string[]): boolean {
  const parts = splitPath(path);
  const last = parts[parts.length - 1];
  return last !== undefined && isSecretName(last);
}

/** Wraps secret-named string/number values; everything else is returned as is. */
export function wrapSecrets<T>(value: T, name?: string): T {
  if (name !== undefined && isSecretName(name) && (typeof value === 'string' || typeof value === 'number')) {
    return new Secret(String(value)) as T;
  }
  if (Array.isArray(value)) return value.map((v) => wrapSecrets(v, name)) as T;
  if (isPlainObject(value)) {
    const out: VarTree = {};
    for (const [k, v] of Object.entries(value)) out[k] = wrapSecrets(v, k);
    return out as T;
  }
  return value;
}

/** Plain data for printing: Secrets masked, or revealed when the user asked to see them. */
export function toPrintable(value: unknown, showSecrets = false): unknown {
  if (isSecret(value)) return showSecrets ? value.reveal() : SECRET_MASK;
  if (Array.isArray(value)) return value.map((v) => toPrintable(v, showSecrets));
  if (isPlainObject(value)) {
    const out: VarTree = {};
    for (const [k, v] of Object.entries(value)) out[k] = toPrintable(v, showSecrets);
    return out;
  }
  return value;
}

/** Masks a raw (not yet wrapped) value that lives at a secret path, e.g. in --explain output. */
export function maskAt(path: string | readonly string[], value: unknown, showSecrets: boolean): unknown {
  if (showSecrets) return toPrintable(value, true);
  if (isSecretPath(path) && value !== undefined && value !== null && !isPlainObject(value))
    return SECRET_MASK;
  return toPrintable(wrapSecrets(value), false);
}
