/**
 * The Inventory handed to the runner: hosts with validated vars, the group graph, host pattern
 * matching, and the per-host layers kept so `explain` can say where a value came from.
 */

import { Secret } from '../secret.ts';
import { ConfigError } from './errors.ts';
import type { GroupGraph } from './groups.ts';
import { structuredName } from './knobs.ts';
import { matchHosts } from './patterns.ts';
import { isSecretPath, wrapSecrets } from './secrets.ts';
import type { Host, Inventory, VarOrigin } from './types.ts';
import { deepClone, getPath, hasPath, type VarLayer } from './vars.ts';

export class EnvironmentInventory implements Inventory {
  readonly groups: Map<string, string[]>;
  readonly children: Map<string, string[]>;
  readonly #order: string[];

  constructor(
    readonly name: string,
    readonly dir: string,
    readonly hosts: Map<string, Host>,
    graph: GroupGraph,
    /** host → its layers, lowest precedence first. */
    readonly layers: ReadonlyMap<string, readonly VarLayer[]>,
  ) {
    this.groups = graph.groups;
    this.children = graph.children;
    this.#order = graph.hosts;
  }

  match(pattern: string): string[] {
    return matchHosts(pattern, { hosts: this.#order, groups: this.groups });
  }

  /** Accepts structured paths (limits.invocationsPerMinute) and OpenWhisk's flat knob names. */
  explain(host: string, path: string): VarOrigin[] {
    const layers = this.layers.get(host);
    if (!layers) {
      throw new ConfigError([
        `explain: no host "${host}" in environment ${this.name}; its hosts are ${this.#order.join(', ') || '(none)'}`,
      ]);
    }
    const structured = structuredName(path);
    return layers
      .filter((l) => hasPath(l.vars, structured))
      .map((l) => ({ source: l.source, value: protect(structured, deepClone(getPath(l.vars, structured))) }));
  }
}

/** Raw layer values at a secret path are wrapped too, so printing an explanation never leaks them. */
function protect(path: string, value: unknown): unknown {
  if (isSecretPath(path) && (typeof value === 'string' || typeof value === 'number')) {
    return new Secret(String(value));
  }
  return wrapSecrets(value);
}
