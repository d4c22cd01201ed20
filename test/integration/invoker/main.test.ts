import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readdir, readlink, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Activation } from '../../../services/common/types.ts';
import { ensureDatabases, openStore, type Store } from '../../../services/store/db.ts';
import { startCouch, type TestCouch } from '../../support/couch.ts';
import { freePort } from '../../support/ports.ts';
import { message } from './harness.ts';

const ROOT = resolve(import.meta.dirname, '../../..');

/** `node bin/run-ts.js services/invoker/main.ts CONFIG` on a free port, once it answers /ping. */
async function startInvokerProcess(dir: string, config: Record<string, unknown>) {
  const port = await freePort();
  const configPath = join(dir, `invoker-${port}.json`);
  const stateDir = join(dir, `state-${port}`);
  await writeFile(
    configPath,
    JSON.stringify({ id: 'invoker0', host: '127.0.0.1', port, stateDir, ...config }),
  );
  const child: ChildProcess = spawn(
    process.execPath,
    [join(ROOT, 'bin/run-ts.js'), 'services/invoker/main.ts', configPath],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout?.on('data', (b: Buffer) => {
    output += b.toString();
  });
  child.stderr?.on('data', (b: Buffer) => {
    output += b.toString();
  });
  const url = `http://127.0.0.1:${port}`;
  await expect
    .poll(async () => (await fetch(`${url}/ping`).catch(() => undefined))?.status, { timeout: 20_000 })
    .toBe(200);
  return { child, url, stateDir, output: () => output };
}

/** Processes whose working directory is under dir (unsandboxed proxies run in their scratch dir). */
async function processesUnder(dir: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cwd = await readlink(`/proc/${entry}/cwd`).catch(() => '');
    if (cwd.startsWith(dir)) pids.push(Number(entry));
  }
  return pids;
}

describe('invoker process (main.ts) with the CouchDB activation store', () => {
  let couch: TestCouch;
  let store: Store;
  let dir: string;
  beforeAll(async () => {
    couch = await startCouch();
    store = openStore({ url: couch.adminUrl, prefix: 'test_' });
    await ensureDatabases(store);
    dir = await mkdtemp(join(tmpdir(), 'owctl-invoker-main-'));
  });
  afterAll(async () => {
    await couch?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('stores records in CouchDB and on SIGTERM finishes the running activation, flushes and exits 0', async () => {
    const { child, url, output } = await startInvokerProcess(dir, {
      db: { url: couch.adminUrl, prefix: 'test_' },
      prewarm: false,
    });
    try {
      const msg = message({
        code: `function main() { return new Promise((r) => setTimeout(() => r({ finished: true }), 700)); }`,
      });
      const running = fetch(`${url}/activations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(msg),
      });
      await expect
        .poll(async () => ((await (await fetch(`${url}/pool`)).json()) as { busy: number }).busy)
        .toBe(1);
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const res = await running;
      expect(res.status).toBe(200);
      const { activation } = (await res.json()) as { activation: Activation };
      expect(activation.response.result).toEqual({ finished: true });
      const [code] = await exited;
      expect(code, output()).toBe(0);
      const stored = await store.activations.get(`guest/${msg.activationId}`);
      expect(stored).toMatchObject({ activationId: msg.activationId, response: { status: 'success' } });
      expect(output()).not.toContain('some_passw0rd');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('leaves no action proxy running when the invoker process is killed', async () => {
    const { child, url, stateDir } = await startInvokerProcess(dir, { prewarm: true, sandbox: 'none' });
    try {
      await expect
        .poll(async () => ((await (await fetch(`${url}/pool`)).json()) as { prewarm: number }).prewarm, {
          timeout: 10_000,
        })
        .toBe(3);
      expect(await processesUnder(stateDir)).toHaveLength(3);
      child.kill('SIGKILL');
      await expect.poll(() => processesUnder(stateDir), { timeout: 5000 }).toEqual([]);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
