/**
 * The typed shape of an environment's variables, with OpenWhisk's defaults (ansible/group_vars/all
 * upstream). Every mapping is loose: users may add their own variables next to the known ones.
 * Error messages start with "expected …" because the loader prefixes them with the file and key
 * that set the value and suffixes the value it got.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { isSecret, Secret } from '../secret.ts';

const INTEGER = /^[+-]?\d+$/;
/** Ansible (YAML 1.1 and INI inventories) spells booleans in many ways. */
const TRUE_WORDS = new Set(['true', 'yes', 'on', 'y', '1']);
const FALSE_WORDS = new Set(['false', 'no', 'off', 'n', '0']);

function numericString(v: unknown): unknown {
  return typeof v === 'string' && INTEGER.test(v.trim()) ? Number(v.trim()) : v;
}

const positiveIntValue = z
  .preprocess(numericString, z.number('expected a positive integer').int('expected a positive integer'))
  .refine((n) => n > 0, 'expected a positive integer');
const positiveInt = (def: number) => positiveIntValue.default(def);

const nonNegativeInt = (def: number) =>
  z
    .preprocess(
      numericString,
      z.number('expected an integer >= 0').int('expected an integer >= 0').min(0, 'expected an integer >= 0'),
    )
    .default(def);

const port = z.preprocess(
  numericString,
  z
    .number('expected a TCP port (1-65535)')
    .int('expected a TCP port (1-65535)')
    .min(1, 'expected a TCP port (1-65535)')
    .max(65535, 'expected a TCP port (1-65535)'),
);

export const ansibleBool = z.preprocess((v) => {
  if (typeof v === 'number' && (v === 0 || v === 1)) return v === 1;
  if (typeof v !== 'string') return v;
  const w = v.trim().toLowerCase();
  return TRUE_WORDS.has(w) ? true : FALSE_WORDS.has(w) ? false : v;
}, z.boolean('expected a boolean (true/false, yes/no)'));

/** Text; YAML turns `password: 12345` into a number, which still means the text "12345". */
const text = z.preprocess(
  (v) => (typeof v === 'number' ? String(v) : v),
  z.string('expected a string').min(1, 'expected a non-empty string'),
);

const secretText = z
  .union([text, z.instanceof(Secret)], 'expected a string')
  .transform((v) => (isSecret(v) ? v : new Secret(v)));

const SIZE_UNITS: Record<string, number> = { b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };

/** "2048m", "2g", "256 MB", "65M" or a plain number → bytes; `plainUnit` is the unit of plain numbers. */
function parseSize(v: unknown, plainUnit: number): unknown {
  if (typeof v === 'number') return v * plainUnit;
  if (typeof v !== 'string') return v;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([bkmgt]?)i?b?\s*$/i.exec(v);
  if (!m) return v;
  const unit = m[2] ? SIZE_UNITS[m[2].toLowerCase()]! : plainUnit;
  return Number(m[1]) * unit;
}

const megabytes = (def: number) =>
  z
    .preprocess((v) => {
      const bytes = parseSize(v, 1024 ** 2);
      return typeof bytes === 'number' ? Math.floor(bytes / 1024 ** 2) : bytes;
    }, z.number('expected a memory size such as 2048, "2048m" or "2g"').int().positive('expected a size > 0'))
    .default(def);

const bytes = (def: number) =>
  z
    .preprocess(
      (v) => parseSize(v, 1),
      z.number('expected a size in bytes such as 1048576 or "65m"').int().positive('expected a size > 0'),
    )
    .default(def);

const oneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, `expected one of ${values.join(', ')}`);

/** A mapping whose keys all have defaults, so an absent mapping means "all defaults". */
const mapping = <T extends z.core.$ZodLooseShape>(shape: T) => {
  const obj = z.looseObject(shape, 'expected a mapping of keys to values');
  return obj.prefault({} as z.input<typeof obj>);
};

/** OpenWhisk action limits: min/max bound what a user may ask for, std is used when they ask nothing. */
const actionLimit = (min: number, max: number, std: number) =>
  mapping({ min: nonNegativeInt(min), max: nonNegativeInt(max), std: nonNegativeInt(std) }).refine(
    (l) => l.min <= l.std && l.std <= l.max,
    'expected min <= std <= max',
  );

export const owConfigSchema = z.looseObject({
  deploy_dir: text.default('/opt/owctl'),
  /** State directory root on the machine running owctl (journals, generated keys). */
  owctl_home: text.default(() => join(homedir(), '.owctl')),
  host_key_checking: ansibleBool.default(true),
  forks: positiveInt(10),
  limits: mapping({
    invocationsPerMinute: positiveInt(60),
    concurrentInvocations: positiveInt(30),
    concurrentInvocationsSystem: positiveInt(5000),
    firesPerMinute: positiveInt(60),
    sequenceMaxLength: positiveInt(50),
  }),
  actionLimits: mapping({
    memory: actionLimit(128, 512, 256),
    timeout: actionLimit(100, 300000, 60000),
    logs: actionLimit(0, 10, 10),
    concurrency: actionLimit(1, 1, 1),
    payloadMaxBytes: bytes(1048576),
    execMaxBytes: bytes(50331648),
  }),
  db: mapping({
    /** embedded: owctl's CouchDB-compatible server; docker: apache/couchdb container; external: yours. */
    provider: oneOf(['embedded', 'docker', 'external'] as const).default('embedded'),
    kind: oneOf(['CouchDB', 'Cloudant'] as const).default('CouchDB'),
    protocol: oneOf(['http', 'https'] as const).default('http'),
    host: text.default('127.0.0.1'),
    port: port.default(5984),
    username: text.default('whisk_admin'),
    password: secretText.prefault('some_passw0rd'),
    prefix: z.string('expected a string').default('whisk_local_'),
  }),
  controller: mapping({
    basePort: port.default(10001),
    bindHost: text.default('127.0.0.1'),
    instances: positiveIntValue.optional(),
  }),
  invoker: mapping({
    port: port.default(12001),
    userMemoryMB: megabytes(2048),
    containerFactory: oneOf(['process', 'docker'] as const).default('process'),
    idleTimeoutMs: positiveInt(600000),
    pauseGraceMs: nonNegativeInt(50),
    prewarm: ansibleBool.default(true),
  }),
  gateway: mapping({
    port: port.default(3233),
    /** nginx's client_max_body_size 65M upstream. */
    maxBodyBytes: bytes(67108864),
    tls: mapping({
      enabled: ansibleBool.default(false),
      cert: text.optional(),
      key: text.optional(),
    }),
  }),
  apigateway: mapping({
    port: port.default(9000),
    mgmtPort: port.default(9001),
    redisPort: port.default(6379),
  }),
  docker: mapping({
    image: mapping({ prefix: text.default('whisk'), tag: text.default('latest') }),
    registry: text.optional(),
    /** DOCKER_HOST for hosts whose containers run on a remote daemon. */
    host: text.optional(),
  }),
  runtimes_manifest: text.optional(),
});

/** Ansible's connection variables, same names and meanings. */
export const connectionVarsSchema = z.looseObject({
  ansible_host: text,
  ansible_port: port.optional(),
  ansible_user: text.optional(),
  ansible_connection: oneOf(['local', 'ssh', 'docker'] as const),
  ansible_ssh_private_key_file: text.optional(),
  ansible_become: ansibleBool.default(false),
  ansible_ssh_extra_args: z.string('expected a string').optional(),
  deploy_dir: text.default('/opt/owctl'),
});

/** What one host's merged variables must satisfy. */
export const hostVarsSchema = owConfigSchema.extend(connectionVarsSchema.shape);

export const schema = owConfigSchema;
export type OwConfig = z.output<typeof owConfigSchema>;
