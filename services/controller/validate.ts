/** Request validation with OpenWhisk's messages: names, list parameters, limits, exec. */
import { badRequest, Messages, WhiskError } from '../common/errors.ts';
import type { ActionLimits, Exec, KeyValue } from '../common/types.ts';
import { kindNames, type RuntimeManifest, resolveKind } from '../runtimes/manifest.ts';
import type { ResolvedControllerConfig } from './config.ts';

export const NAME = /^([\w]|[\w][\w@ .&-]{0,254}[\w@.&-])$/;

export function validName(name: string): string {
  if (!NAME.test(name)) throw badRequest(Messages.illegalName);
  return name;
}

export type Query = Record<string, string | undefined>;

function integer(query: Query, key: string): number | undefined {
  const raw = query[key];
  if (raw === undefined || raw === '') return undefined;
  if (!/^-?\d+$/.test(raw)) throw badRequest(`The value '${raw}' of parameter '${key}' is not an integer.`);
  return Number(raw);
}

export function bool(query: Query, key: string, dflt = false): boolean {
  const raw = query[key];
  if (raw === undefined || raw === '') return dflt;
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  throw badRequest(`The value '${raw}' of parameter '${key}' is not a boolean (use true or false).`);
}

export interface ListParams {
  limit: number;
  skip: number;
  count: boolean;
}

const LIST_MAX = 200;

/** limit (default 30, 0 means 200, at most 200), skip (≥ 0), count. */
export function listParams(query: Query, collection: string): ListParams {
  const limit = integer(query, 'limit') ?? 30;
  const skip = integer(query, 'skip') ?? 0;
  if (limit < 0 || limit > LIST_MAX) {
    throw badRequest(`The value '${limit}' is not in the range of 0 to ${LIST_MAX} for ${collection}.`);
  }
  if (skip < 0) throw badRequest(`The value '${skip}' of parameter 'skip' must not be negative.`);
  return { limit: limit === 0 ? LIST_MAX : limit, skip, count: bool(query, 'count') };
}

/** since/upto as epoch milliseconds. */
export function timeParam(query: Query, key: 'since' | 'upto'): number | undefined {
  const v = integer(query, key);
  if (v !== undefined && v < 0)
    throw badRequest(`The value '${v}' of parameter '${key}' must not be negative.`);
  return v;
}

/** Blocking invoke wait: 1..60000 ms, default 60000. */
export function waitTimeout(query: Query): number {
  const v = integer(query, 'timeout') ?? 60_000;
  if (v < 1 || v > 60_000) throw badRequest(Messages.timeoutOutOfRange(1, 60_000));
  return v;
}

type LimitRanges = ResolvedControllerConfig['actionLimits'];

const UNITS: Record<keyof ActionLimits, string> = {
  memory: ' MB',
  timeout: ' milliseconds',
  logs: ' MB',
  concurrency: '',
};

/** Fills unspecified limits from `base` (the stored ones on update) or the defaults, then range-checks. */
export function actionLimits(given: unknown, ranges: LimitRanges, base?: ActionLimits): ActionLimits {
  if (given !== undefined && (typeof given !== 'object' || given === null || Array.isArray(given))) {
    throw badRequest('limits must be an object with timeout, memory, logs and concurrency.');
  }
  const g = (given ?? {}) as Record<string, unknown>;
  const out = {} as ActionLimits;
  for (const key of ['timeout', 'memory', 'logs', 'concurrency'] as const) {
    const r = ranges[key];
    const v = g[key] ?? base?.[key] ?? r.std;
    if (typeof v !== 'number' || !Number.isInteger(v)) throw badRequest(`${key} limit must be an integer.`);
    const u = UNITS[key];
    if (v > r.max) throw badRequest(`${key} ${v}${u} exceeds allowed threshold of ${r.max}${u}`);
    if (v < r.min) throw badRequest(`${key} ${v}${u} below allowed threshold of ${r.min}${u}`);
    out[key] = v;
  }
  return out;
}

export function keyValues(given: unknown, field: string): KeyValue[] | undefined {
  if (given === undefined) return undefined;
  if (
    !Array.isArray(given) ||
    !given.every((kv) => kv && typeof kv === 'object' && typeof kv.key === 'string')
  ) {
    throw badRequest(`${field} must be an array of {"key": string, "value": any}.`);
  }
  return given.map((kv: KeyValue) => ({ key: kv.key, value: kv.value }));
}

/** Validates exec: kind known to the manifest (aliases resolved), code size, sequence shape. */
export function actionExec(given: unknown, manifest: RuntimeManifest, execMaxBytes: number): Exec {
  if (!given || typeof given !== 'object' || Array.isArray(given)) throw badRequest('exec undefined');
  const e = given as Record<string, unknown>;
  const kind = e.kind;
  if (typeof kind !== 'string') throw badRequest('exec.kind must be a string.');
  if (kind === 'sequence') {
    if (!Array.isArray(e.components) || e.components.length === 0)
      throw badRequest(Messages.sequenceNoComponent);
    if (!e.components.every((c) => typeof c === 'string')) {
      throw badRequest('exec.components must be fully qualified action names such as "/guest/hello".');
    }
    return { kind, components: e.components as string[] };
  }
  if (kind === 'blackbox') {
    if (typeof e.image !== 'string' || !e.image)
      throw badRequest('exec.image is required for blackbox actions.');
  } else {
    const resolved = resolveKind(manifest, kind);
    if (!resolved) {
      throw badRequest(Messages.runtimeNotSupported(kind, [...kindNames(manifest), 'blackbox', 'sequence']));
    }
  }
  const code = e.code;
  if (code !== undefined && typeof code !== 'string') throw badRequest('exec.code must be a string.');
  if (kind !== 'blackbox' && !code) throw badRequest('exec.code is required for this kind.');
  const size = Buffer.byteLength(code ?? '');
  if (size > execMaxBytes) throw new WhiskError(413, Messages.execTooLarge(size, execMaxBytes));
  const kindName = kind === 'blackbox' ? kind : (resolveKind(manifest, kind)?.kind ?? kind);
  return {
    kind: kindName,
    ...(code !== undefined ? { code } : {}),
    ...(typeof e.main === 'string' && e.main ? { main: e.main } : {}),
    binary: e.binary === true,
    ...(typeof e.image === 'string' ? { image: e.image } : {}),
  };
}
