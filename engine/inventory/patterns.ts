/**
 * Ansible host patterns: "all", "controllers", "host1", "web*", "~regex", "db[0]", "db[0:1]",
 * combined with ":" (or ","): "a:b" union, "a:&b" intersection, "a:!b" exclusion. As in Ansible,
 * unions apply first, then intersections, then exclusions, whatever the order written.
 */
export interface PatternTarget {
  /** Host names in inventory order. */
  hosts: readonly string[];
  groups: ReadonlyMap<string, readonly string[]>;
}

function globToRegExp(glob: string): RegExp {
  const body = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}

function subscript(hosts: readonly string[], spec: string): readonly string[] {
  const [fromText = '', toText] = spec.split(':');
  const index = (t: string, dflt: number) => {
    if (t === '') return dflt;
    const n = Number(t);
    return n < 0 ? hosts.length + n : n;
  };
  const from = index(fromText, 0);
  if (toText === undefined) return hosts[from] === undefined ? [] : [hosts[from]!];
  return hosts.slice(from, index(toText, hosts.length - 1) + 1);
}

function matchTerm(term: string, target: PatternTarget): readonly string[] {
  const sub = /^(.+)\[(-?\d*(?::-?\d*)?)\]$/.exec(term);
  if (sub) return subscript(matchTerm(sub[1]!, target), sub[2]!);
  const group = target.groups.get(term);
  if (group) return group;
  if (target.hosts.includes(term)) return [term];
  let re: RegExp | undefined;
  if (term.startsWith('~')) re = new RegExp(term.slice(1));
  else if (/[*?]/.test(term)) re = globToRegExp(term);
  if (!re) return [];
  const matched = new Set<string>();
  for (const [name, members] of target.groups) if (re.test(name)) for (const h of members) matched.add(h);
  for (const h of target.hosts) if (re.test(h)) matched.add(h);
  return [...matched];
}

/** Splits on ":" and "," except inside a subscript ("core[1:2]"). */
function splitTerms(pattern: string): string[] {
  const terms: string[] = [];
  let cur = '';
  let depth = 0;
  for (const c of pattern) {
    if (c === '[') depth++;
    if (c === ']') depth = Math.max(0, depth - 1);
    if ((c === ':' || c === ',') && depth === 0) {
      terms.push(cur);
      cur = '';
    } else cur += c;
  }
  terms.push(cur);
  return terms.map((t) => t.trim()).filter((t) => t !== '');
}

export function matchHosts(pattern: string, target: PatternTarget): string[] {
  const terms = splitTerms(pattern);
  const unions = terms.filter((t) => !t.startsWith('&') && !t.startsWith('!'));
  const selected = new Set<string>();
  for (const t of unions.length > 0 ? unions : ['all']) for (const h of matchTerm(t, target)) selected.add(h);
  for (const t of terms.filter((t) => t.startsWith('&'))) {
    const keep = new Set(matchTerm(t.slice(1), target));
    for (const h of [...selected]) if (!keep.has(h)) selected.delete(h);
  }
  for (const t of terms.filter((t) => t.startsWith('!')))
    for (const h of matchTerm(t.slice(1), target)) selected.delete(h);
  return target.hosts.filter((h) => selected.has(h));
}
