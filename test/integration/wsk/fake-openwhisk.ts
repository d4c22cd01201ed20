/**
 * A small in-test stand-in for the OpenWhisk REST API (v1): enough of actions, invoke and
 * activations, with upstream's status codes and error bodies, to drive the real `wsk` process.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeOpenWhisk {
  url: string;
  auth: string;
  /** Bodies of PUT requests by action name, to assert what the CLI sent. */
  puts: Map<string, Record<string, unknown>>;
  invokes: { name: string; query: string; body: unknown }[];
  close(): Promise<void>;
}

const ACTIVATION_ID = '0123456789abcdef0123456789abcdef';

function activation(name: string, result: Record<string, unknown>, status = 'success') {
  return {
    namespace: 'guest',
    name,
    version: '0.0.1',
    subject: 'guest',
    activationId: ACTIVATION_ID,
    start: 1_700_000_000_000,
    end: 1_700_000_000_021,
    duration: 21,
    statusCode: status === 'success' ? 0 : 1,
    response: { status, statusCode: 0, success: status === 'success', result },
    logs: ['2024-01-01T00:00:00.000Z stdout: hello from the action'],
    annotations: [
      { key: 'path', value: `guest/${name}` },
      { key: 'kind', value: 'nodejs:20' },
      { key: 'initTime', value: 12 },
    ],
    publish: false,
  };
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  let text = '';
  for await (const chunk of req) text += chunk;
  return text ? JSON.parse(text) : undefined;
}

export async function startFakeOpenWhisk(): Promise<FakeOpenWhisk> {
  const auth =
    '23bc46b1-71f6-4ed5-8c54-816aa4f8c502:123zO3xZCLrMN6v2BKK1dXYFpXlPkccOFqm12CdAsMgRU4VrNZ9lyGVCGuMDGIwP';
  const actions = new Map<string, Record<string, unknown>>();
  const fake: Omit<FakeOpenWhisk, 'url' | 'close'> = { auth, puts: new Map(), invokes: [] };
  let tid = 0;

  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    const fail = (status: number, error: string) => send(status, { error, code: `tid${++tid}` });
    if (url.pathname === '/api/v1')
      return send(200, { api_paths: ['/api/v1'], build: '2024-01-01', buildno: '42' });
    if (req.headers.authorization !== `Basic ${Buffer.from(auth).toString('base64')}`) {
      return fail(401, 'The supplied authentication is invalid');
    }
    if (url.pathname === '/api/v1/namespaces') return send(200, ['guest']);

    const parts = url.pathname.split('/').slice(4).map(decodeURIComponent); // after /api/v1/namespaces
    const [ns, collection, ...rest] = parts;
    if (ns !== '_' && ns !== 'guest')
      return fail(403, `The supplied authentication is not authorized to access '${ns}'.`);
    const name = rest.filter(Boolean).join('/');

    if (collection === 'actions') {
      if (req.method === 'GET' && !name) return send(200, [...actions.values()]);
      const existing = actions.get(name);
      if (req.method === 'PUT') {
        const body = (await readJson(req)) as Record<string, unknown>;
        fake.puts.set(name, body);
        if (existing && url.searchParams.get('overwrite') !== 'true')
          return fail(409, 'resource already exists');
        const exec = (body.exec ?? existing?.exec) as { kind: string } | undefined;
        const slash = name.lastIndexOf('/');
        const doc = {
          // As the API reports it: an action in a package lives in namespace `guest/pkg`.
          namespace: slash === -1 ? 'guest' : `guest/${name.slice(0, slash)}`,
          name: name.slice(slash + 1),
          version: existing ? '0.0.2' : '0.0.1',
          exec,
          annotations: [...((body.annotations as unknown[]) ?? []), { key: 'exec', value: exec?.kind }],
          parameters: body.parameters ?? [],
          limits: { timeout: 60000, memory: 256, logs: 10, concurrency: 1 },
          publish: false,
        };
        actions.set(name, doc);
        return send(200, doc);
      }
      if (!existing) return fail(404, 'The requested resource does not exist.');
      if (req.method === 'GET') return send(200, existing);
      if (req.method === 'DELETE') {
        actions.delete(name);
        return send(200, existing);
      }
      if (req.method === 'POST') {
        const body = await readJson(req);
        fake.invokes.push({ name, query: url.search, body });
        if (url.searchParams.get('blocking') !== 'true') return send(202, { activationId: ACTIVATION_ID });
        const failing = name === 'fail';
        const result = failing
          ? { error: 'boom' }
          : { payload: `hello ${(body as { name?: string }).name ?? 'world'}` };
        if (name === 'slow') return send(202, { activationId: ACTIVATION_ID });
        const record = activation(name, result, failing ? 'application error' : 'success');
        if (url.searchParams.get('result') === 'true') return send(failing ? 502 : 200, result);
        return send(failing ? 502 : 200, record);
      }
    }
    if (collection === 'activations') {
      const [id, sub] = rest;
      if (!id) return send(200, [activation('hello', { payload: 'hello world' })]);
      if (id !== ACTIVATION_ID) return fail(404, 'The requested resource does not exist.');
      const record = activation('hello', { payload: 'hello world' });
      if (sub === 'logs') return send(200, { logs: record.logs });
      if (sub === 'result') return send(200, record.response);
      return send(200, record);
    }
    return fail(404, 'The requested resource does not exist.');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    ...fake,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export { ACTIVATION_ID };
