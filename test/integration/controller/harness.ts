/**
 * Test harness: a real pouchdb-server with initialised databases and the guest subject, a
 * controller started in-process, and a tiny real HTTP "invoker" that pings the controller and runs
 * actions whose code is a JavaScript function body evaluated in-process.
 */
import { createServer, type Server } from 'node:http';
import type {
  Activation,
  ActivationMessage,
  ActivationStatus,
  InvokerPing,
} from '../../../services/common/types.ts';
import { STATUS_CODES } from '../../../services/common/types.ts';
import type { ControllerConfig } from '../../../services/controller/config.ts';
import { type Controller, startController } from '../../../services/controller/controller.ts';
import { ActivationStore } from '../../../services/store/activation-store.ts';
import { ensureDatabases, openStore } from '../../../services/store/db.ts';
import { startCouch, type TestCouch } from '../../support/couch.ts';

export const GUEST_UUID = '23bc46b1-71f6-4ed5-8c54-816aa4f8c502';
export const GUEST_KEY = '123zO3xZCLrMN6v2BKK1dXYFpXlPkccOFqm12CdAsMgRU4VrNZ9lyGVCGuMDGIwP';
export const GUEST_AUTH = `${GUEST_UUID}:${GUEST_KEY}`;
export const OTHER_AUTH = 'aaaaaaaa-71f6-4ed5-8c54-816aa4f8c502:otherkey';

export async function startDb(prefix = 'test_'): Promise<{ couch: TestCouch; url: string; prefix: string }> {
  const couch = await startCouch();
  const store = openStore({ url: couch.adminUrl, prefix });
  await ensureDatabases(store);
  await store.subjects.insert({
    _id: 'guest',
    subject: 'guest',
    namespaces: [{ name: 'guest', uuid: GUEST_UUID, key: GUEST_KEY }],
  });
  const [ouuid, okey] = OTHER_AUTH.split(':');
  await store.subjects.insert({
    _id: 'other',
    subject: 'other',
    namespaces: [{ name: 'other', uuid: ouuid!, key: okey! }],
  });
  return { couch, url: couch.adminUrl, prefix };
}

export async function controllerOn(
  db: { url: string; prefix: string },
  overrides: Partial<ControllerConfig> = {},
): Promise<Controller> {
  return await startController(
    { host: '127.0.0.1', port: 0, db: { url: db.url, prefix: db.prefix }, ...overrides },
    { log: (await import('../../../services/common/log.ts')).createLogger('controller', 'silent') },
  );
}

/**
 * An in-test invoker: runs the code as an async function body of `params` (or its `main`), stores the record like
 * the real invoker, answers `{activation}`. `pause` makes it hold every activation until resumed.
 */
export class FakeInvoker {
  server!: Server;
  url = '';
  received: ActivationMessage[] = [];
  private timer?: NodeJS.Timeout;
  private store: ActivationStore;
  hold?: Promise<void>;

  constructor(
    db: { url: string; prefix: string },
    readonly id = 'invoker0',
  ) {
    this.store = new ActivationStore(openStore(db));
  }

  async start(controllerUrl: string): Promise<void> {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', async () => {
        const msg = JSON.parse(body) as ActivationMessage;
        this.received.push(msg);
        if (this.hold) await this.hold;
        const activation = await this.run(msg);
        await this.store.store(activation);
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ activation }));
      });
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    const addr = this.server.address();
    this.url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
    const ping = () =>
      fetch(`${controllerUrl}/invokers/ping`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          id: this.id,
          url: this.url,
          userMemoryMB: 2048,
          freeMemoryMB: 2048,
          busy: 0,
          status: 'up',
        } satisfies InvokerPing),
      }).catch(() => {});
    await ping();
    this.timer = setInterval(ping, 200);
  }

  /** Stops pinging but keeps serving (a silent invoker). */
  silence(): void {
    clearInterval(this.timer);
  }

  async close(): Promise<void> {
    this.silence();
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
    await this.store.close();
  }

  private async run(msg: ActivationMessage): Promise<Activation> {
    const start = Date.now();
    let status: ActivationStatus = 'success';
    let result: Record<string, unknown>;
    try {
      const code = msg.action.exec.code ?? '';
      const body = /function main\s*\(/.test(code) ? `${code}\nreturn main(params);` : code;
      const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as FunctionConstructor;
      const fn = new AsyncFunction('params', body) as (p: unknown) => Promise<unknown>;
      result = (await fn(msg.params)) as Record<string, unknown>;
      if (result && typeof result === 'object' && 'error' in result) status = 'application error';
    } catch (err) {
      status = 'action developer error';
      result = { error: `The action failed: ${(err as Error).message}` };
    }
    const end = Date.now();
    return {
      namespace: msg.identity.namespace,
      name: msg.action.name,
      subject: msg.identity.subject,
      activationId: msg.activationId,
      start,
      end,
      duration: end - start,
      logs: [`${new Date(start).toISOString()} stdout: ran ${msg.action.name}`],
      version: msg.action.version,
      publish: false,
      annotations: [
        { key: 'path', value: `${msg.action.namespace}/${msg.action.path}` },
        { key: 'kind', value: msg.action.exec.kind },
      ],
      response: { status, statusCode: STATUS_CODES[status], success: status === 'success', result },
      ...(msg.cause ? { cause: msg.cause } : {}),
    };
  }
}

/** Parsed JSON for assertions: every property is again loosely typed JSON. */
export interface Loose {
  [key: string]: Loose | undefined;
}

/** A tiny JSON client for the API. */
export function api(base: string, auth = GUEST_AUTH) {
  return async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: {
        authorization: `Basic ${Buffer.from(auth).toString('base64')}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = text;
    }
    return { status: res.status, headers: res.headers, body: json as Loose, list: (json ?? []) as Loose[] };
  };
}
