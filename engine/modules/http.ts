/**
 * http (Ansible's uri): an HTTP request from the controller. GET/HEAD are read-only probes (ok, run
 * in check mode); other methods report changed and are skipped in check mode unless `readOnly`.
 * The response is in data: { status, headers, body } (body parsed as JSON when it is JSON).
 */
import { request } from 'undici';
import { isSecret, type Secret } from '../secret.ts';
import type { ArgsOf, ModuleCall, ModuleContext, ModuleResult } from './module.ts';
import { readOnlyAware } from './read_only.ts';
import { errorMessage, failed } from './results.ts';
import { revealDeep, type SecretUrl, showUrl, splitCredentials } from './reveal.ts';

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface HttpArgs {
  /** May carry credentials (http://user:pass@host/…); give it as a Secret then. */
  url: SecretUrl;
  method?: HttpMethod;
  headers?: Record<string, string | Secret>;
  /** Sent as JSON. Secrets inside are sent revealed. */
  body?: unknown;
  /** Accepted status codes (default 200). */
  status?: number | number[];
  readOnly?: boolean;
  timeoutMs?: number;
}

/** Response body excerpt kept in a failure message. */
const EXCERPT = 300;

function parseBody(text: string, contentType: string | undefined): unknown {
  if (text === '') return '';
  if (contentType?.includes('json') || /^\s*[[{]/.test(text)) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}

async function runHttp(args: HttpArgs, ctx: ModuleContext): Promise<ModuleResult> {
  const method = args.method ?? 'GET';
  const shown = `${method} ${showUrl(args.url)}`;
  const expected = args.status === undefined ? [200] : [args.status].flat();
  let target: ReturnType<typeof splitCredentials>;
  try {
    target = splitCredentials(args.url);
  } catch {
    return failed(`http task on host ${ctx.host.name}: ${shown} is not a valid URL; check the url argument`);
  }
  const headers: Record<string, string> = {};
  if (target.authorization) headers.authorization = target.authorization;
  for (const [k, v] of Object.entries(args.headers ?? {}))
    headers[k.toLowerCase()] = isSecret(v) ? v.reveal() : v;
  let body: string | undefined;
  if (args.body !== undefined) {
    body = JSON.stringify(revealDeep(args.body));
    headers['content-type'] ??= 'application/json';
  }
  const timeout = args.timeoutMs ?? 30_000;
  try {
    const res = await request(target.url, {
      method,
      headers,
      body,
      headersTimeout: timeout,
      bodyTimeout: timeout,
      signal: ctx.signal,
    });
    const text = await res.body.text();
    const contentType = res.headers['content-type'];
    const data = {
      status: res.statusCode,
      headers: res.headers,
      body: parseBody(text, Array.isArray(contentType) ? contentType[0] : contentType),
    };
    if (!expected.includes(res.statusCode)) {
      const excerpt = text.length > EXCERPT ? `${text.slice(0, EXCERPT)}…` : text;
      return failed(
        `${shown} (task on host ${ctx.host.name}) answered ${res.statusCode}, expected ${expected.join(' or ')}: ${excerpt}`,
        { data },
      );
    }
    const readOnly = isReadOnly(args);
    return { status: readOnly ? 'ok' : 'changed', msg: `${shown} → ${res.statusCode}`, data };
  } catch (err) {
    return failed(
      `${shown} (task on host ${ctx.host.name}) failed from the controller: ${errorMessage(err)}; check that the service is up and reachable`,
    );
  }
}

function isReadOnly(args: HttpArgs): boolean {
  return args.readOnly ?? (args.method === undefined || args.method === 'GET' || args.method === 'HEAD');
}

const httpImpl = readOnlyAware<HttpArgs>('http', isReadOnly, runHttp);

export const httpModule = httpImpl.mutating;
export const httpProbeModule = httpImpl.probe;

export function http(args: ArgsOf<HttpArgs>): ModuleCall<HttpArgs> {
  return httpImpl.bind(args);
}
