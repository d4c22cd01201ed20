/** Building an action's `exec` and web annotations from `wsk action create|update` arguments. */
import { randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import type { Exec, KeyValue } from '../../../services/common/types.ts';
import { EXIT, WskError } from '../errors.ts';
import { fullyQualify } from '../names.ts';

export interface ExecOptions {
  kind?: string;
  main?: string;
  docker?: string;
  native?: boolean;
  sequence?: boolean;
}

/** File extension → runtime family, as upstream infers `<family>:default`. */
const EXTENSION_KINDS: Record<string, string> = {
  '.js': 'nodejs',
  '.py': 'python',
  '.swift': 'swift',
  '.jar': 'java',
  '.php': 'php',
  '.rb': 'ruby',
  '.rs': 'rust',
  '.go': 'go',
  '.balx': 'ballerina',
};
const BINARY_EXTENSIONS = new Set(['.zip', '.jar', '.balx']);

/** Argument problems upstream reports as "Invalid argument(s). …" with exit code 2. */
function invalidArgs(message: string, exitCode: number = EXIT.usage): WskError {
  return new WskError(`Invalid argument(s). ${message}`, exitCode, true);
}

function readArtifact(path: string, binary: boolean): string {
  try {
    const data = readFileSync(path);
    return binary ? data.toString('base64') : data.toString('utf8');
  } catch (err) {
    throw invalidArgs(`File '${path}' is not a valid file or it does not exist: ${(err as Error).message}`);
  }
}

/** The exec to send, or undefined for an update that keeps the current code. */
export function buildExec(
  artifact: string | undefined,
  o: ExecOptions,
  defaultNamespace: string,
  update: boolean,
): Exec | undefined {
  if (o.kind && o.docker) {
    throw invalidArgs('Cannot specify both --kind and --docker at the same time.', EXIT.notAllowed);
  }
  if (o.sequence) {
    if (!artifact) throw invalidArgs('An action name and code artifact are required.');
    return {
      kind: 'sequence',
      components: artifact.split(',').map((c) => fullyQualify(c, defaultNamespace)),
    };
  }
  if (!artifact && !o.docker && !o.native) {
    if (update) return undefined;
    throw invalidArgs('An action name and code artifact are required.');
  }
  const ext = artifact ? extname(artifact).toLowerCase() : '';
  const binary = BINARY_EXTENSIONS.has(ext);
  const exec: Exec = { kind: '' };
  if (artifact) {
    exec.code = readArtifact(artifact, binary);
    if (binary) exec.binary = true;
  }
  if (o.kind) {
    exec.kind = o.kind;
  } else if (o.docker || o.native) {
    exec.kind = 'blackbox';
    exec.image = o.docker || 'openwhisk/dockerskeleton';
  } else if (EXTENSION_KINDS[ext]) {
    exec.kind = `${EXTENSION_KINDS[ext]}:default`;
  } else if (ext === '.zip') {
    throw invalidArgs(
      'creating an action from a .zip artifact requires specifying the action kind explicitly',
    );
  } else {
    throw invalidArgs(`'${ext}' is not a supported action runtime`);
  }
  if (o.main) exec.main = o.main;
  else if (exec.kind.startsWith('java')) {
    throw invalidArgs('Java actions require --main to specify the fully-qualified name of the main class');
  }
  return exec;
}

const WEB_KEYS = ['web-export', 'raw-http', 'final'];
const WEB_SECURE = 'require-whisk-auth';

function withoutKeys(list: KeyValue[], keys: string[]): KeyValue[] {
  return list.filter((kv) => !keys.includes(kv.key));
}

/** Appends the entries of `extra` whose keys `list` does not have yet. */
function appendMissing(list: KeyValue[], extra: KeyValue[]): KeyValue[] {
  return [...list, ...extra.filter((e) => !list.some((kv) => kv.key === e.key))];
}

function annotation(list: KeyValue[] | undefined, key: string): unknown {
  return list?.find((kv) => kv.key === key)?.value;
}

export function isWebAction(annotations: KeyValue[] | undefined): boolean {
  return annotation(annotations, 'web-export') === true;
}

/**
 * Applies `--web` and `--web-secure` to the annotations being sent. On update, annotations the
 * user did not restate are carried over from the existing action so they are not lost.
 */
export function applyWebFlags(
  given: KeyValue[] | undefined,
  existing: KeyValue[] | undefined,
  web: string | undefined,
  webSecure: string | undefined,
): KeyValue[] | undefined {
  let annotations = given;
  if (web !== undefined) {
    const mode = web.toLowerCase();
    const values: Record<string, [boolean, boolean, boolean]> = {
      yes: [true, false, true],
      true: [true, false, true],
      raw: [true, true, true],
      no: [false, false, false],
      false: [false, false, false],
    };
    const v = values[mode];
    if (!v) {
      throw new WskError(
        `Invalid argument '${web}' for --web flag. Valid input consist of 'yes', 'true', 'raw', 'false', or 'no'.`,
        EXIT.usage,
        true,
      );
    }
    const base = withoutKeys(given ?? existing ?? [], WEB_KEYS);
    annotations = [...base, ...WEB_KEYS.map((key, i) => ({ key, value: v[i] }))];
    if (existing && given)
      annotations = appendMissing(
        annotations,
        existing.filter((kv) => kv.key === WEB_SECURE),
      );
  }
  if (webSecure !== undefined) {
    const disabling = web !== undefined && ['false', 'no'].includes(web.toLowerCase());
    if (!(isWebAction(annotations) || (isWebAction(existing) && !disabling))) {
      throw new WskError(
        'The --web-secure option is only valid when the --web option is enabled.',
        EXIT.usage,
        true,
      );
    }
    let list = annotations ?? [];
    if (existing) {
      list = annotations
        ? appendMissing(
            list,
            existing.filter((kv) => [...WEB_KEYS, WEB_SECURE].includes(kv.key)),
          )
        : existing;
    }
    const mode = webSecure.toLowerCase();
    const current = annotation(list, WEB_SECURE);
    if (mode === 'false') {
      list = withoutKeys(list, [WEB_SECURE]);
    } else if (mode === 'true' && typeof current === 'number') {
      // Keep the generated secret clients already use.
    } else {
      const secret = mode === 'true' ? randomInt(1, 2 ** 47) * 64 + randomInt(0, 64) : webSecure;
      list = [...withoutKeys(list, [WEB_SECURE]), { key: WEB_SECURE, value: secret }];
    }
    annotations = list;
  }
  return annotations;
}
