/**
 * A real CouchDB-protocol server for tests: the embedded pouchdb-server (services/store/main.ts) as
 * a child process on a free loopback port, with its data in a fresh temp dir that close() removes.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from './ports.ts';

export const COUCH_ADMIN_USER = 'whisk_admin';
export const COUCH_ADMIN_PASSWORD = 'some_passw0rd';

export interface TestCouch {
  /** http://127.0.0.1:PORT — no credentials. */
  url: string;
  /** http://whisk_admin:some_passw0rd@127.0.0.1:PORT — what services are configured with. */
  adminUrl: string;
  user: string;
  password: string;
  close(): Promise<void>;
}

const ROOT = resolve(import.meta.dirname, '../..');

export async function startCouch(): Promise<TestCouch> {
  const dir = await mkdtemp(join(tmpdir(), 'owctl-couch-'));
  const port = await freePort();
  const configPath = join(dir, 'couch.json');
  await writeFile(
    configPath,
    JSON.stringify({
      host: '127.0.0.1',
      port,
      dataDir: join(dir, 'data'),
      stateDir: dir,
      adminUser: COUCH_ADMIN_USER,
      adminPassword: COUCH_ADMIN_PASSWORD,
    }),
  );
  const child = spawn(
    process.execPath,
    [join(ROOT, 'bin/run-ts.js'), join(ROOT, 'services/store/main.ts'), configPath],
    {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout?.on('data', (b: Buffer) => {
    output += b.toString();
  });
  child.stderr?.on('data', (b: Buffer) => {
    output += b.toString();
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitUntilServing(url, child, () => output);
  } catch (err) {
    child.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    url,
    adminUrl: `http://${COUCH_ADMIN_USER}:${COUCH_ADMIN_PASSWORD}@127.0.0.1:${port}`,
    user: COUCH_ADMIN_USER,
    password: COUCH_ADMIN_PASSWORD,
    close: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((done) => child.once('exit', done));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
        await exited;
        clearTimeout(timer);
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function waitUntilServing(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`test CouchDB exited with code ${child.exitCode} before serving ${url}:\n${output()}`);
    }
    try {
      const res = await fetch(`${url}/_users`, {
        headers: { authorization: `Basic ${btoa(`${COUCH_ADMIN_USER}:${COUCH_ADMIN_PASSWORD}`)}` },
      });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`test CouchDB did not serve ${url} within 30 s:\n${output()}`);
}
