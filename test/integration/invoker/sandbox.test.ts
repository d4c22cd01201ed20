import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeBwrap } from '../../../services/invoker/factories/sandbox.ts';
import { zipBase64 } from '../runtimes/proxy-process.ts';
import { message, startTestInvoker, type TestInvoker } from './harness.ts';

const REPO_FILE = resolve(import.meta.dirname, '../../../package.json');
const { bwrap, reason } = await probeBwrap(tmpdir());

/** Reports what the action can see: each path's first bytes or the error code. */
const PEEK = `const fs = require('node:fs');
function main(a) {
  const seen = {};
  for (const p of a.read) { try { seen[p] = fs.readFileSync(p, 'utf8').slice(0, 20); } catch (e) { seen[p] = e.code; } }
  if (a.write) fs.writeFileSync(a.write, 'mine');
  return { seen, home: process.env.HOME, cwd: process.cwd() };
}`;

describe.skipIf(!bwrap)(`bubblewrap sandbox ${reason ?? ''}`, () => {
  let invoker: TestInvoker;
  let secretDir: string;
  beforeAll(async () => {
    invoker = await startTestInvoker({ sandbox: 'bwrap' });
    secretDir = await mkdtemp(join(tmpdir(), 'owctl-secret-'));
    await writeFile(join(secretDir, 'key'), 'top secret');
  });
  afterAll(async () => {
    await invoker.close();
    await rm(secretDir, { recursive: true, force: true });
  });

  it('hides host files, the repository and other state dirs from the action', async () => {
    const secret = join(secretDir, 'key');
    const a = await invoker.invoke(
      message({ code: PEEK, params: { read: [secret, REPO_FILE, '/etc/hostname', '/usr/lib/os-release'] } }),
    );
    expect(a.response.status).toBe('success');
    const seen = a.response.result?.seen as Record<string, string>;
    expect(seen[secret]).toBe('ENOENT');
    expect(seen[REPO_FILE]).toBe('ENOENT');
    expect(seen['/etc/hostname']).toBe('ENOENT');
    // What the runtime needs stays readable.
    expect(seen['/usr/lib/os-release']).toMatch(/NAME=/);
    expect(a.response.result?.home).toBe('/home/action');
  });

  it('gives every container a private /tmp and a private writable HOME', async () => {
    const writer = await invoker.invoke(
      message({ name: 'writer', code: PEEK, params: { read: [], write: '/tmp/marker' } }),
    );
    expect(writer.response.status).toBe('success');
    const homeWriter = await invoker.invoke(
      message({ name: 'homeWriter', code: PEEK, params: { read: [], write: '/home/action/notes' } }),
    );
    expect(homeWriter.response.status).toBe('success');
    const reader = await invoker.invoke(
      message({ name: 'reader', code: PEEK, params: { read: ['/tmp/marker', '/home/action/notes'] } }),
    );
    expect(reader.response.result?.seen).toEqual({ '/tmp/marker': 'ENOENT', '/home/action/notes': 'ENOENT' });
    // The same container still sees its own files on the next (warm) activation.
    const again = await invoker.invoke(
      message({ name: 'writer', code: PEEK, params: { read: ['/tmp/marker'] } }),
    );
    expect(again.response.result?.seen).toEqual({ '/tmp/marker': 'mine' });
  });

  it('runs a zip action unpacked in the container’s private /tmp', async () => {
    const code = zipBase64({
      'index.js':
        "exports.main = () => ({ dir: __dirname.startsWith('/tmp/action-'), pkg: require('./package.json').name });",
      'package.json': '{"name": "zipped"}',
    });
    const msg = message({ code });
    msg.action.exec.binary = true;
    const a = await invoker.invoke(msg);
    expect(a.response.result).toEqual({ dir: true, pkg: 'zipped' });
  });

  it('runs python actions inside the sandbox with the interpreter bound read-only', async () => {
    const code = `def main(args):
    try:
        open(args['path']).read()
        return {'read': True}
    except OSError as e:
        return {'read': False, 'errno': e.errno}
`;
    const a = await invoker.invoke(message({ kind: 'python:3', code, params: { path: REPO_FILE } }));
    expect(a.response.result).toEqual({ read: false, errno: 2 });
  });
});
