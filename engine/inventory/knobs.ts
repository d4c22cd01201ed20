/**
 * OpenWhisk's deployment is configured through flat "knob" variables (limit_invocations_per_minute,
 * db_host, …) that feed structured dicts. Each layer's flat knobs are mapped into the structured
 * form before layers merge, so whichever spelling a higher-precedence layer uses wins.
 */
import { deepMerge, getPath, hasPath, nestDotted, type VarLayer, type VarTree } from './vars.ts';

export interface Knob {
  flat: string;
  path: string;
}

export const FLAT_KNOBS: readonly Knob[] = [
  { flat: 'limit_invocations_per_minute', path: 'limits.invocationsPerMinute' },
  { flat: 'limit_invocations_concurrent', path: 'limits.concurrentInvocations' },
  { flat: 'limit_invocations_concurrent_system', path: 'limits.concurrentInvocationsSystem' },
  { flat: 'limit_fires_per_minute', path: 'limits.firesPerMinute' },
  { flat: 'limit_sequence_max_length', path: 'limits.sequenceMaxLength' },
  { flat: 'db_username', path: 'db.username' },
  { flat: 'db_password', path: 'db.password' },
  { flat: 'db_protocol', path: 'db.protocol' },
  { flat: 'db_host', path: 'db.host' },
  { flat: 'db_port', path: 'db.port' },
  { flat: 'db_prefix', path: 'db.prefix' },
];

const BY_FLAT = new Map(FLAT_KNOBS.map((k) => [k.flat, k.path]));

/** The structured path a flat knob name stands for, or the name itself. */
export function structuredName(name: string): string {
  return BY_FLAT.get(name) ?? name;
}

/**
 * Moves a layer's flat knobs into their structured place. When one file sets both spellings the
 * structured one wins: it is the more specific statement.
 */
export function structureKnobs(vars: VarTree): VarTree {
  let fromFlat: VarTree = {};
  const rest: VarTree = {};
  for (const [key, value] of Object.entries(vars)) {
    const path = BY_FLAT.get(key);
    if (path) fromFlat = deepMerge(fromFlat, nestDotted(path, value));
    else rest[key] = value;
  }
  return deepMerge(fromFlat, rest);
}

/** OpenWhisk's database environment variables, each its own layer ("env OW_DB_HOST"). */
const DB_ENV: ReadonlyArray<{ env: string; path: string; parse?: (raw: string) => unknown }> = [
  { env: 'OW_DB', path: 'db.kind', parse: dbKind },
  { env: 'OW_DB_USERNAME', path: 'db.username' },
  { env: 'OW_DB_PASSWORD', path: 'db.password' },
  { env: 'OW_DB_PROTOCOL', path: 'db.protocol', parse: (raw) => raw.toLowerCase() },
  { env: 'OW_DB_HOST', path: 'db.host' },
  { env: 'OW_DB_PORT', path: 'db.port', parse: (raw) => (/^\d+$/.test(raw) ? Number(raw) : raw) },
];

function dbKind(raw: string): string {
  const known = ['CouchDB', 'Cloudant'].find((k) => k.toLowerCase() === raw.toLowerCase());
  return known ?? raw;
}

export function dbEnvLayers(env: NodeJS.ProcessEnv): VarLayer[] {
  const layers: VarLayer[] = [];
  for (const { env: name, path, parse } of DB_ENV) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    layers.push({ source: `env ${name}`, vars: nestDotted(path, parse ? parse(raw) : raw) });
  }
  return layers;
}

/** Flat knob names as aliases of the merged structured values, for templates written upstream-style. */
export function knobAliases(merged: VarTree): VarTree {
  const out: VarTree = {};
  for (const { flat, path } of FLAT_KNOBS) {
    if (hasPath(merged, path)) out[flat] = getPath(merged, path);
  }
  return out;
}
