/**
 * The runtimes manifest (OpenWhisk's runtimes.json): which action kinds exist, the default kind of
 * each family, the prewarmed stem cells, and how the process container factory starts each kind.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

const HERE = dirname(fileURLToPath(import.meta.url));

/** The runtimes.json shipped with owctl. */
export const DEFAULT_RUNTIMES_MANIFEST = join(HERE, 'runtimes.json');

const imageSchema = z.object({ prefix: z.string(), name: z.string(), tag: z.string() });

const kindSchema = z.object({
  kind: z.string().min(1),
  default: z.boolean().default(false),
  deprecated: z.boolean().default(false),
  image: imageSchema,
  stemCells: z
    .array(
      z.object({
        initialCount: z.number().int().min(0),
        memory: z.string(),
        reactive: z.unknown().optional(),
      }),
    )
    .default([]),
  attached: z.object({ attachmentName: z.string(), attachmentType: z.string() }).optional(),
});

const manifestSchema = z.object({
  runtimes: z.record(z.string(), z.array(kindSchema)),
  blackboxes: z.array(imageSchema).default([]),
});

export type RuntimeImage = z.infer<typeof imageSchema>;

/** How the process factory starts a kind's action proxy: `interpreter ...args proxy`. */
export interface ProcessCommand {
  /** Program name looked up on PATH (resolved to its real binary by the factory). */
  interpreter: string;
  args: string[];
  /** Interpreter flags bounding the action's memory (containers have cgroups; processes only this). */
  memoryArgs?: (memoryMB: number) => string[];
  /** Absolute path of the action proxy file. */
  proxy: string;
}

export interface StemCell {
  kind: string;
  count: number;
  memoryMB: number;
}

export interface RuntimeKind {
  kind: string;
  family: string;
  default: boolean;
  deprecated: boolean;
  image: RuntimeImage;
  stemCells: StemCell[];
  /** Undefined when owctl has no action proxy for this family (docker factory only). */
  process?: ProcessCommand;
}

export interface RuntimeManifest {
  /** Where it was loaded from, for error messages. */
  source: string;
  kinds: Map<string, RuntimeKind>;
  /** family -> its default kind, e.g. nodejs -> nodejs:20. */
  defaults: Map<string, string>;
  blackboxes: RuntimeImage[];
}

/** Action proxies owctl ships, by runtime family. */
const PROXIES: Record<string, Omit<ProcessCommand, 'proxy'> & { file: string }> = {
  nodejs: {
    interpreter: 'node',
    args: [],
    memoryArgs: (mb) => [`--max-old-space-size=${mb}`],
    file: join(HERE, 'nodejs', 'proxy.mjs'),
  },
  // -u: unbuffered stdout/stderr, so log lines reach the invoker before the activation's sentinel.
  python: { interpreter: 'python3', args: ['-u'], file: join(HERE, 'python', 'proxy.py') },
};

/** "256 MB" / "1 GB" / "512m" -> MB. */
export function parseMemoryMB(text: string, where: string): number {
  const m = /^\s*(\d+)\s*(m|mb|g|gb)?\s*$/i.exec(text);
  if (!m)
    throw new Error(`${where}: memory '${text}' is not a size like '256 MB'; fix the runtimes manifest.`);
  const n = Number(m[1]);
  return (m[2] ?? 'mb').toLowerCase().startsWith('g') ? n * 1024 : n;
}

export function parseRuntimeManifest(json: unknown, source: string): RuntimeManifest {
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(
      `${source}: invalid runtimes manifest at '${issue?.path.join('.')}': ${issue?.message}. ` +
        'Compare it with services/runtimes/runtimes.json.',
    );
  }
  const kinds = new Map<string, RuntimeKind>();
  const defaults = new Map<string, string>();
  for (const [family, entries] of Object.entries(parsed.data.runtimes)) {
    const proxy = PROXIES[family];
    for (const entry of entries) {
      if (kinds.has(entry.kind)) throw new Error(`${source}: runtime kind '${entry.kind}' is listed twice.`);
      kinds.set(entry.kind, {
        kind: entry.kind,
        family,
        default: entry.default,
        deprecated: entry.deprecated,
        image: entry.image,
        stemCells: entry.stemCells.map((s) => ({
          kind: entry.kind,
          count: s.initialCount,
          memoryMB: parseMemoryMB(s.memory, `${source}: ${entry.kind} stemCells`),
        })),
        process: proxy && {
          interpreter: proxy.interpreter,
          args: proxy.args,
          memoryArgs: proxy.memoryArgs,
          proxy: proxy.file,
        },
      });
      if (entry.default) defaults.set(family, entry.kind);
    }
    const first = entries[0];
    if (!defaults.has(family) && first) defaults.set(family, first.kind);
  }
  return { source, kinds, defaults, blackboxes: parsed.data.blackboxes };
}

export function loadRuntimeManifest(path: string = DEFAULT_RUNTIMES_MANIFEST): RuntimeManifest {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`Cannot read the runtimes manifest ${path}: ${(err as Error).message}. Check the path.`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new Error(`The runtimes manifest ${path} is not valid JSON: ${(err as Error).message}.`);
  }
  return parseRuntimeManifest(json, path);
}

/** All kind names users may give, including `<family>:default` aliases. */
export function kindNames(manifest: RuntimeManifest): string[] {
  return [...manifest.kinds.keys(), ...[...manifest.defaults.keys()].map((f) => `${f}:default`)];
}

/** Resolves a kind or `<family>:default` alias; undefined when the platform does not offer it. */
export function resolveKind(manifest: RuntimeManifest, kind: string): RuntimeKind | undefined {
  const alias = /^(.+):default$/.exec(kind);
  const name = alias ? manifest.defaults.get(alias[1] ?? '') : kind;
  return name === undefined ? undefined : manifest.kinds.get(name);
}

/** Like resolveKind, but throws OpenWhisk's message for an unsupported kind. */
export function requireKind(manifest: RuntimeManifest, kind: string): RuntimeKind {
  const found = resolveKind(manifest, kind);
  if (!found) {
    throw new Error(
      `The specified runtime '${kind}' is not supported by this platform. Valid values are: '${kindNames(manifest).join("', '")}'.`,
    );
  }
  return found;
}

/** Every stem cell of every kind, for the invoker's prewarm pool. */
export function stemCells(manifest: RuntimeManifest): StemCell[] {
  return [...manifest.kinds.values()].flatMap((k) => k.stemCells);
}

/** A blackbox action's kind: the user's own image, which speaks the action proxy protocol. */
export function blackboxKind(image: string): RuntimeKind {
  const slash = image.lastIndexOf('/');
  const colon = image.lastIndexOf(':');
  const hasTag = colon > slash;
  return {
    kind: 'blackbox',
    family: 'blackbox',
    default: false,
    deprecated: false,
    image: {
      prefix: slash < 0 ? '' : image.slice(0, slash),
      name: image.slice(slash + 1, hasTag ? colon : undefined),
      tag: hasTag ? image.slice(colon + 1) : 'latest',
    },
    stemCells: [],
  };
}

/** The full name of a kind's image as given, e.g. "openwhisk/dockerskeleton:nightly". */
export function imageName(image: RuntimeImage): string {
  return `${image.prefix ? `${image.prefix}/` : ''}${image.name}:${image.tag}`;
}
