/**
 * HTTP to the OpenWhisk API for every command: base URL and auth from the settings, `-i` for
 * self-signed TLS, `-v`/`-d` request/response tracing, and upstream's error shapes and exit codes.
 */
import { Agent, type Dispatcher, request } from 'undici';
import { EXIT, WskError } from './errors.ts';
import type { Output } from './output.ts';
import { apiBase, type Settings } from './props.ts';

export interface ApiResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON, or the raw text when the body is not JSON. */
  body: unknown;
}

export type Query = Record<string, string | number | boolean | undefined>;

const VERBOSE_BODY_LIMIT = 1000;

/** Path segments are encoded one by one so names with spaces or `@` survive. */
export function apiPath(...segments: string[]): string {
  return segments
    .flatMap((s) => s.split('/'))
    .filter((s) => s !== '')
    .map(encodeURIComponent)
    .join('/');
}

export class WhiskClient {
  private dispatcher: Dispatcher | undefined;

  constructor(
    readonly settings: Settings,
    private readonly output: Output,
  ) {}

  /** `{apihost}/api`, e.g. for web action URLs. */
  get apiBase(): string {
    return apiBase(this.settings.apihost);
  }

  /** `path` is below `/api/{version}/`, e.g. `namespaces/_/actions/hello`; '' is the version root. */
  async request(method: Dispatcher.HttpMethod, path: string, opts: { query?: Query; body?: unknown } = {}) {
    const url = new URL(`${this.apiBase}/${this.settings.apiversion}${path ? `/${path}` : ''}`);
    for (const [k, v] of Object.entries(opts.query ?? {}))
      if (v !== undefined) url.searchParams.set(k, String(v));
    const headers: Record<string, string> = { 'user-agent': 'OpenWhisk-CLI/1.0 (owctl)' };
    if (this.settings.auth)
      headers.authorization = `Basic ${Buffer.from(this.settings.auth).toString('base64')}`;
    let body: string | undefined;
    if (opts.body !== undefined) {
      body = JSON.stringify(opts.body);
      headers['content-type'] = 'application/json';
    }
    this.traceRequest(method, url, headers, body);
    let res: Dispatcher.ResponseData;
    try {
      res = await request(url, { method, headers, body, dispatcher: this.agent() });
    } catch (err) {
      throw this.networkError(err as NodeJS.ErrnoException & { cause?: NodeJS.ErrnoException });
    }
    const text = await res.body.text();
    this.traceResponse(res.statusCode, res.headers, text);
    let parsed: unknown = text;
    if (text) {
      try {
        parsed = JSON.parse(text);
      } catch {
        // Keep the text: the caller decides what a non-JSON body means.
      }
    }
    return { status: res.statusCode, headers: res.headers, body: parsed } satisfies ApiResponse;
  }

  close(): Promise<void> {
    return this.dispatcher?.close() ?? Promise.resolve();
  }

  private agent(): Dispatcher {
    this.dispatcher ??= new Agent({ connect: { rejectUnauthorized: !this.settings.insecure } });
    return this.dispatcher;
  }

  private networkError(err: NodeJS.ErrnoException & { cause?: NodeJS.ErrnoException }): WskError {
    const cause = err.cause ?? err;
    const code = cause.code ?? err.code ?? '';
    const host = this.settings.apihost;
    const tls = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|TLS|SSL/i.test(code);
    const hint = tls
      ? "The server's TLS certificate is not trusted; for a self-signed certificate add -i (--insecure)."
      : `Check that OpenWhisk is running at that address and that 'wsk property get --apihost' is right.`;
    return new WskError(
      `cannot reach the API host '${host}' (${cause.message || code}). ${hint}`,
      EXIT.network,
    );
  }

  private traceRequest(method: string, url: URL, headers: Record<string, string>, body: string | undefined) {
    if (!this.settings.verbose) return;
    const shown = { ...headers, ...(headers.authorization ? { authorization: 'Basic ******' } : {}) };
    this.output.out(`REQUEST:\n[${method}]\t${url.href}\nReq Headers\n${JSON.stringify(shown, null, 4)}\n`);
    if (body !== undefined) this.output.out(`Req Body\n${this.clip(body)}\n`);
  }

  private traceResponse(status: number, headers: ApiResponse['headers'], text: string) {
    if (!this.settings.verbose) return;
    this.output.out(
      `RESPONSE:Got response with code ${status}\nResp Headers\n${JSON.stringify(headers, null, 4)}\n` +
        `Response body size is ${Buffer.byteLength(text)} bytes\nResponse body received:\n${this.clip(text)}\n`,
    );
  }

  private clip(text: string): string {
    return this.settings.debug || text.length <= VERBOSE_BODY_LIMIT
      ? text
      : `${text.slice(0, VERBOSE_BODY_LIMIT)}...`;
  }
}

function isErrorBody(body: unknown): body is { error: unknown; code?: unknown } {
  return !!body && typeof body === 'object' && 'error' in body;
}

/** The server's complaint as upstream prints it: `<message> (code <tid>)`, exit = status − 256. */
export function serverError(res: ApiResponse): WskError {
  const exit = res.status - 256;
  if (isErrorBody(res.body) && res.body.code !== undefined) {
    return new WskError(`${String(res.body.error)} (code ${String(res.body.code)})`, exit);
  }
  if (isErrorBody(res.body)) return new WskError(String(res.body.error), exit);
  return new WskError(`The connection failed, or timed out. (HTTP status code ${res.status})`, exit);
}

/** Throws the server error unless the status is 2xx. */
export function expectOk(res: ApiResponse): ApiResponse {
  if (res.status < 200 || res.status > 299) throw serverError(res);
  return res;
}
