import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTIVATION_ID, type FakeOpenWhisk, startFakeOpenWhisk } from './fake-openwhisk.ts';

const WSK = resolve(import.meta.dirname, '../../../bin/wsk.js');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

let dir: string;
let props: string;

/** Runs the real CLI process with the test's properties file. */
function wsk(...args: string[]): Promise<Run> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [WSK, ...args],
      { cwd: dir, env: { PATH: process.env.PATH, HOME: dir, WSK_CONFIG_FILE: props } },
      (err, stdout, stderr) => done({ code: err ? Number(err.code) : 0, stdout, stderr }),
    );
  });
}

describe('wsk against an OpenWhisk API', () => {
  let ow: FakeOpenWhisk;

  beforeAll(async () => {
    ow = await startFakeOpenWhisk();
    dir = mkdtempSync(join(tmpdir(), 'owctl-wsk-'));
    props = join(dir, 'wskprops');
    writeFileSync(join(dir, 'hello.js'), "function main(p) { return { payload: 'hello ' + p.name }; }\n");
    writeFileSync(join(dir, 'hello.py'), 'def main(args):\n    return {"payload": "hi"}\n');
    writeFileSync(join(dir, 'params.json'), JSON.stringify({ fromFile: true, name: 'file' }));
  });
  afterAll(() => ow.close());

  it('property set writes the file and property get reads it back', async () => {
    const set = await wsk('property', 'set', '--apihost', ow.url, '--auth', ow.auth);
    expect(set).toMatchObject({ code: 0, stderr: '' });
    expect(set.stdout).toBe(
      `ok: whisk auth set. Run 'wsk property get --auth' to see the new value.\nok: whisk API host set to ${ow.url}\n`,
    );
    expect(readFileSync(props, 'utf8')).toContain(`APIHOST=${ow.url}`);
    const get = await wsk('property', 'get', '--apihost');
    expect(get.stdout).toBe(`whisk API host\t\t${ow.url}\n`);
    const all = await wsk('property', 'get');
    expect(all.stdout).toContain('whisk namespace\t\tguest\n');
    expect(all.stdout).toContain('whisk API build number\t42\n');
  });

  it('creates actions, inferring the kind from the extension and parsing -p values as JSON', async () => {
    const js = await wsk(
      'action',
      'create',
      'hello',
      'hello.js',
      '-p',
      'n',
      '42',
      '-p',
      'obj',
      '{"a":1}',
      '-p',
      's',
      'hi there',
    );
    expect(js).toMatchObject({ code: 0, stdout: 'ok: created action hello\n', stderr: '' });
    const sent = ow.puts.get('hello')!;
    expect(sent.exec).toMatchObject({
      kind: 'nodejs:default',
      code: expect.stringContaining('function main'),
    });
    expect(sent.parameters).toEqual([
      { key: 'n', value: 42 },
      { key: 'obj', value: { a: 1 } },
      { key: 's', value: 'hi there' },
    ]);

    const py = await wsk(
      'action',
      'create',
      'pkg/py',
      'hello.py',
      '--web',
      'true',
      '-t',
      '1000',
      '-m',
      '128',
    );
    expect(py.stdout).toBe('ok: created action pkg/py\n');
    expect(ow.puts.get('pkg/py')).toMatchObject({
      exec: { kind: 'python:default' },
      limits: { timeout: 1000, memory: 128 },
      annotations: [
        { key: 'web-export', value: true },
        { key: 'raw-http', value: false },
        { key: 'final', value: true },
      ],
    });

    await wsk('action', 'create', 'seq', '--sequence', 'hello,/other/x,pkg/py');
    expect(ow.puts.get('seq')?.exec).toEqual({
      kind: 'sequence',
      components: ['/_/hello', '/other/x', '/_/pkg/py'],
    });
  });

  it('reports a conflict with upstream wording and exit code 153; update overwrites', async () => {
    const dup = await wsk('action', 'create', 'hello', 'hello.js');
    expect(dup.code).toBe(153);
    expect(dup.stderr).toMatch(
      /^error: Unable to create action 'hello': resource already exists \(code tid\d+\)\n$/,
    );
    const upd = await wsk('action', 'update', 'hello', '-P', 'params.json');
    expect(upd).toMatchObject({ code: 0, stdout: 'ok: updated action hello\n' });
    expect(ow.puts.get('hello')).not.toHaveProperty('exec');
  });

  it('invokes non-blocking, blocking and --result', async () => {
    const nb = await wsk('action', 'invoke', 'hello');
    expect(nb.stdout).toBe(`ok: invoked /_/hello with id ${ACTIVATION_ID}\n`);

    const blocking = await wsk('action', 'invoke', 'hello', '-b', '-p', 'name', 'Ada');
    expect(blocking.code).toBe(0);
    const [header, ...rest] = blocking.stdout.split('\n');
    expect(header).toBe(`ok: invoked /_/hello with id ${ACTIVATION_ID}`);
    const record = JSON.parse(rest.join('\n'));
    expect(record.response.result).toEqual({ payload: 'hello Ada' });
    expect(rest[1]).toMatch(/^ {4}"/); // 4-space indent

    const result = await wsk(
      'action',
      'invoke',
      'hello',
      '--result',
      '-P',
      'params.json',
      '-p',
      'name',
      'Bob',
    );
    expect(result.stdout).toBe('{\n    "payload": "hello Bob"\n}\n');
    expect(ow.invokes.at(-1)).toMatchObject({
      query: '?blocking=true&result=true',
      body: { fromFile: true, name: 'Bob' },
    });
  });

  it('prints an application error activation to stderr with exit code 246; a timeout with 202', async () => {
    await wsk('action', 'create', 'fail', 'hello.js');
    const failed = await wsk('action', 'invoke', 'fail', '--blocking');
    expect(failed.code).toBe(246);
    expect(failed.stdout).toBe('');
    expect(failed.stderr).toContain(`ok: invoked /_/fail with id ${ACTIVATION_ID}\n`);
    expect(failed.stderr).toContain('"status": "application error"');
    expect(failed.stderr).not.toContain('error: ');

    await wsk('action', 'create', 'slow', 'hello.js');
    const slow = await wsk('action', 'invoke', 'slow', '-b');
    expect(slow.code).toBe(202);
    expect(slow.stderr).toBe(
      `ok: invoked /_/slow, but the request has not yet finished, with id ${ACTIVATION_ID}\n`,
    );
  });

  it('gets, lists and deletes actions; a missing one exits 148', async () => {
    const get = await wsk('action', 'get', 'hello');
    expect(get.stdout.split('\n')[0]).toBe('ok: got action hello');
    expect(JSON.parse(get.stdout.slice(get.stdout.indexOf('\n')))).toMatchObject({
      name: 'hello',
      namespace: 'guest',
    });

    const url = await wsk('action', 'get', 'pkg/py', '--url');
    expect(url.stdout).toBe(`ok: got action py\n${ow.url}/api/v1/web/guest/pkg/py\n`);

    const list = await wsk('action', 'list');
    expect(list.stdout.split('\n')[0]).toBe('actions');
    expect(list.stdout).toContain(`${'/guest/hello'.padEnd(70)} private nodejs:default\n`);

    expect((await wsk('action', 'delete', 'hello')).stdout).toBe('ok: deleted action hello\n');
    const gone = await wsk('action', 'get', 'hello');
    expect(gone.code).toBe(148);
    expect(gone.stderr).toMatch(
      /^error: Unable to get action 'hello': The requested resource does not exist\. \(code tid\d+\)\n$/,
    );
  });

  it('shows activations: list table, get, logs, result', async () => {
    const list = await wsk('activation', 'list');
    const [header, row] = list.stdout.split('\n');
    expect(header).toMatch(/^Datetime {12}Activation ID {20}Kind {6}Start Duration {3}Status {2}Entity/);
    expect(row).toContain(`${ACTIVATION_ID} nodejs:20 cold  21ms       success guest/hello:0.0.1`);

    const logs = await wsk('activation', 'logs', ACTIVATION_ID, '--strip');
    expect(logs.stdout).toBe('hello from the action\n');
    const result = await wsk('activation', 'result', '--last');
    expect(result.stdout).toBe('{\n    "payload": "hello world"\n}\n');
    const get = await wsk('activation', 'get', ACTIVATION_ID);
    expect(get.stdout.startsWith(`ok: got activation ${ACTIVATION_ID}\n`)).toBe(true);
    expect((await wsk('namespace', 'list')).stdout).toBe('namespaces\nguest\n');
  });

  it('explains bad credentials, bad arguments and an unreachable host', async () => {
    const denied = await wsk('action', 'list', '-u', 'wrong:key');
    expect(denied.code).toBe(401 - 256);
    expect(denied.stderr).toMatch(
      /^error: Unable to obtain the list of actions for namespace 'default': The supplied authentication is invalid \(code tid\d+\)\n$/,
    );

    const noFile = await wsk('action', 'create', 'x');
    expect(noFile.code).toBe(2);
    expect(noFile.stderr).toBe(
      "error: Invalid argument(s). An action name and code artifact are required.\nRun 'wsk --help' for usage.\n",
    );

    const unreachable = await wsk('action', 'invoke', 'hello', '--apihost', 'http://127.0.0.1:9');
    expect(unreachable.code).toBe(3);
    expect(unreachable.stderr).toContain(
      "error: Unable to invoke action 'hello': cannot reach the API host 'http://127.0.0.1:9'",
    );
    expect(unreachable.stderr).toContain("'wsk property get --apihost'");
  });
});
