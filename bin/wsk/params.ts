/**
 * `-p KEY VALUE` / `-a KEY VALUE` take two values, which commander cannot express, so they (and
 * `-P FILE` / `-A FILE`) are lifted out of argv before parsing, as upstream's CLI does. Each
 * occurrence becomes one JSON object; later ones win on duplicate keys.
 */
import { readFileSync } from 'node:fs';
import type { KeyValue } from '../../services/common/types.ts';
import { WskError } from './errors.ts';

export interface KeyValueArgs {
  argv: string[];
  params: string[];
  annotations: string[];
}

const PAIR_FLAGS: Record<string, 'params' | 'annotations'> = {
  '-p': 'params',
  '--param': 'params',
  '-a': 'annotations',
  '--annotation': 'annotations',
};
const FILE_FLAGS: Record<string, 'params' | 'annotations'> = {
  '-P': 'params',
  '--param-file': 'params',
  '-A': 'annotations',
  '--annotation-file': 'annotations',
};

/** `{"key": value}` with value kept as JSON when it parses, else as a string. */
function pairToJson(key: string, value: string): string {
  try {
    JSON.parse(value);
    return `{${JSON.stringify(key)}: ${value}}`;
  } catch {
    return JSON.stringify({ [key]: value });
  }
}

function readJsonFile(path: string, flag: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new WskError(
      `File '${path}' given to ${flag} is not a valid file or it does not exist: ${(err as Error).message}`,
      2,
      true,
    );
  }
}

export function extractKeyValueArgs(argv: string[]): KeyValueArgs {
  const out: KeyValueArgs = { argv: [], params: [], annotations: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      out.argv.push(...argv.slice(i));
      break;
    }
    const pair = PAIR_FLAGS[arg];
    const file = FILE_FLAGS[arg];
    if (pair) {
      if (argv[i + 2] === undefined) {
        const what = pair === 'params' ? 'parameter' : 'annotation';
        throw new WskError(
          `Failed to parse arguments: The ${what} arguments are invalid: Arguments for '${arg}' must be a key/value pair`,
          1,
          true,
        );
      }
      out[pair].push(pairToJson(argv[i + 1]!, argv[i + 2]!));
      i += 2;
    } else if (file) {
      const path = argv[i + 1];
      if (path === undefined) {
        throw new WskError(`Failed to parse arguments: An argument must be provided for '${arg}'`, 1, true);
      }
      out[file].push(readJsonFile(path, arg));
      i += 1;
    } else {
      out.argv.push(arg);
    }
  }
  return out;
}

/** Merges the JSON objects into one, naming the offending argument when one is not a JSON object. */
export function mergeJsonObjects(items: string[], what: 'parameter' | 'annotation'): Record<string, unknown> {
  const merged: Record<string, unknown> = {};
  for (const item of items) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(item);
    } catch (err) {
      throw new WskError(`Invalid ${what} argument '${item.trim()}': ${(err as Error).message}`, 1, true);
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw new WskError(`Invalid ${what} argument '${item.trim()}': expected a JSON object`, 1, true);
    }
    Object.assign(merged, parsed);
  }
  return merged;
}

export function toKeyValues(obj: Record<string, unknown>): KeyValue[] {
  return Object.entries(obj).map(([key, value]) => ({ key, value }));
}
