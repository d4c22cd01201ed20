/**
 * The `.wskprops` file (`KEY=VALUE` lines) and how the effective settings are resolved:
 * defaults < properties file < environment (WHISK_*) < command-line flags, as upstream.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { WskError } from './errors.ts';

export type Props = Map<string, string>;

export interface GlobalFlags {
  apihost?: string | boolean;
  auth?: string | boolean;
  apiversion?: string | boolean;
  insecure?: boolean;
  verbose?: boolean;
  debug?: boolean;
}

export interface Settings {
  apihost: string;
  auth: string;
  apiversion: string;
  /** Default namespace for short names; `_` means "the caller's own". */
  namespace: string;
  insecure: boolean;
  verbose: boolean;
  debug: boolean;
  propsFile: string;
}

/** WSK_CONFIG_FILE (even when empty, as upstream) or ~/.wskprops. */
export function propsFilePath(env: NodeJS.ProcessEnv = process.env): string {
  return env.WSK_CONFIG_FILE ?? join(homedir(), '.wskprops');
}

export function readProps(path: string): Props {
  const props: Props = new Map();
  if (!path || !existsSync(path)) return props;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new WskError(
      `Unable to read the properties file '${path}': ${(err as Error).message}. Fix its permissions or point WSK_CONFIG_FILE elsewhere.`,
    );
  }
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    const eq = line.indexOf('=');
    if (eq > 0) props.set(line.slice(0, eq).trim().toUpperCase(), line.slice(eq + 1).trim());
  }
  return props;
}

export function writeProps(path: string, props: Props): void {
  if (!path)
    throw new WskError(
      'Unable to set the property value(s): WSK_CONFIG_FILE is set but empty. Set it to a file path.',
    );
  const text = [...props].map(([k, v]) => `${k}=${v}\n`).join('');
  try {
    writeFileSync(path, text, { mode: 0o600 });
  } catch (err) {
    throw new WskError(
      `Unable to set the property value(s): cannot write '${path}': ${(err as Error).message}.`,
    );
  }
}

export function resolveSettings(flags: GlobalFlags, env: NodeJS.ProcessEnv = process.env): Settings {
  const propsFile = propsFilePath(env);
  const props = readProps(propsFile);
  // A command's own boolean flag of the same name (`property get --apihost`) is not a value.
  const pick = (flag: unknown, envName: string, key: string, fallback: string) =>
    (typeof flag === 'string' && flag) || env[envName] || props.get(key) || fallback;
  return {
    apihost: pick(flags.apihost, 'WHISK_APIHOST', 'APIHOST', '').replace(/\/+$/, ''),
    auth: pick(flags.auth, 'WHISK_AUTH', 'AUTH', ''),
    apiversion: pick(flags.apiversion, 'WHISK_APIVERSION', 'APIVERSION', 'v1'),
    namespace: pick(undefined, 'WHISK_NAMESPACE', 'NAMESPACE', '_'),
    insecure: flags.insecure ?? false,
    verbose: (flags.verbose ?? false) || (flags.debug ?? false),
    debug: flags.debug ?? false,
    propsFile,
  };
}

/** `host` → `https://host/api` like upstream; an explicit scheme is kept. */
export function apiBase(apihost: string): string {
  if (!apihost) {
    throw new WskError(
      "The API host is not valid: An API host must be provided. Run 'wsk property set --apihost HOST' or pass --apihost.",
    );
  }
  const withScheme = /^https?:\/\//.test(apihost) ? apihost : `https://${apihost}`;
  try {
    const url = new URL(withScheme);
    return `${url.origin}${url.pathname.replace(/\/+$/, '')}/api`;
  } catch {
    throw new WskError(
      `The API host is not valid: '${apihost}' is not a host or URL. Fix it with 'wsk property set --apihost'.`,
    );
  }
}
