/**
 * Validation of the controller's ActivationMessage (POST /activations), with errors naming the bad
 * field. Checked by hand rather than with a schema library: it runs on every activation, and the
 * shape is small and fixed (services/common/types.ts).
 */
import type { ActivationMessage } from '../common/types.ts';

export type MessageParse = { ok: true; message: ActivationMessage } | { ok: false; error: string };

type Check = (v: unknown) => string | undefined;

const describe = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v);
const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const string: Check = (v) => (typeof v === 'string' ? undefined : `expected a string, got ${describe(v)}`);
const nonEmpty: Check = (v) => string(v) ?? (v === '' ? 'expected a non-empty string' : undefined);
const boolean: Check = (v) => (typeof v === 'boolean' ? undefined : `expected a boolean, got ${describe(v)}`);
const number =
  (test: (n: number) => boolean, what: string): Check =>
  (v) =>
    typeof v !== 'number' || Number.isNaN(v)
      ? `expected a number, got ${describe(v)}`
      : test(v)
        ? undefined
        : `expected ${what}, got ${v}`;
const optional =
  (check: Check): Check =>
  (v) =>
    v === undefined ? undefined : check(v);
const stringArray: Check = (v) =>
  Array.isArray(v) && v.every((x) => typeof x === 'string')
    ? undefined
    : `expected an array of strings, got ${describe(v)}`;

/** Field checks by path; objects on the way are checked to be objects first. */
const FIELDS: [path: string[], check: Check][] = [
  [['activationId'], nonEmpty],
  [['transactionId'], string],
  [['action', 'namespace'], nonEmpty],
  [['action', 'name'], nonEmpty],
  [['action', 'path'], nonEmpty],
  [['action', 'version'], string],
  [['action', 'rev'], string],
  [['action', 'exec', 'kind'], nonEmpty],
  [['action', 'exec', 'code'], optional(string)],
  [['action', 'exec', 'main'], optional(string)],
  [['action', 'exec', 'binary'], optional(boolean)],
  [['action', 'exec', 'image'], optional(string)],
  [['action', 'exec', 'components'], optional(stringArray)],
  [['action', 'limits', 'timeout'], number((n) => n > 0, 'a positive number')],
  [['action', 'limits', 'memory'], number((n) => n > 0, 'a positive number')],
  [['action', 'limits', 'logs'], number((n) => n >= 0, 'a number ≥ 0')],
  [['action', 'limits', 'concurrency'], number((n) => Number.isInteger(n) && n > 0, 'a positive integer')],
  [['identity', 'subject'], string],
  [['identity', 'namespace'], string],
  [['identity', 'uuid'], string],
  [['identity', 'key'], string],
  [['params'], optional((v) => (isObject(v) ? undefined : `expected an object, got ${describe(v)}`))],
  [['cause'], optional(string)],
  [['blocking'], optional(boolean)],
];

function problem(body: unknown): { path: string; message: string } | undefined {
  if (!isObject(body)) return { path: '', message: `expected an object, got ${describe(body)}` };
  for (const [path, check] of FIELDS) {
    let value: unknown = body;
    for (let i = 0; i < path.length; i++) {
      if (i > 0 && !isObject(value)) {
        return { path: path.slice(0, i).join('.'), message: `expected an object, got ${describe(value)}` };
      }
      value = (value as Record<string, unknown>)[path[i] as string];
    }
    const message = check(value);
    if (message) return { path: path.join('.'), message };
  }
  return undefined;
}

export function parseActivationMessage(body: unknown): MessageParse {
  const bad = problem(body);
  if (bad) {
    return {
      ok: false,
      error: `Invalid ActivationMessage at '${bad.path}': ${bad.message}. See services/common/types.ts.`,
    };
  }
  const message = body as ActivationMessage;
  message.params ??= {};
  message.blocking ??= true;
  return { ok: true, message };
}
