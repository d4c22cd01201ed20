/**
 * The seed article's first steps against a real `owctl deploy local`: fresh state folder, deploy,
 * wsk property set, echo from the catalog, the Python fibonacci action, an idempotent redeploy,
 * teardown and deploy again with nothing lost.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/ports.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const home = mkdtempSync(join(tmpdir(), 'owctl-e2e-'));
const wskprops = join(home, 'wskprops.test');
const vars: string[] = [];
const env = { ...process.env, OWCTL_HOME: home, WSK_CONFIG_FILE: wskprops };

const FIB = `def main(args):
    num = args.get("number", "30")
    return {"fibonacci": F(int(num))}

def F(n):
    if n == 0:
        return 0
    elif n == 1:
        return 1
    return F(n - 1) + F(n - 2)
`;

interface Recap {
  recap: Record<
    string,
    { ok: number; changed: number; failed: number; skipped: number; unreachable: number }
  >;
}

async function owctl(...args: string[]) {
  return execa('node', [join(ROOT, 'bin/owctl.js'), ...args, ...vars], { env, reject: false, cwd: ROOT });
}

async function wsk(...args: string[]) {
  return execa('node', [join(ROOT, 'bin/wsk.js'), ...args], { env, reject: false, cwd: ROOT });
}

function recapOf(stdout: string): Recap['recap'] {
  const last = stdout.trim().split('\n').at(-1) ?? '{}';
  return (JSON.parse(last) as Recap).recap;
}

function changedTotal(recap: Recap['recap']): number {
  return Object.values(recap).reduce((n, h) => n + h.changed, 0);
}

/** The seed's fibonacci action, invoked as the article does; returns its result. */
async function fibonacci(n: number): Promise<unknown> {
  const res = await wsk(
    'action',
    'invoke',
    'myfunction',
    '--result',
    '--blocking',
    '--param',
    'number',
    String(n),
  );
  expect(res.exitCode).toBe(0);
  return JSON.parse(res.stdout);
}

async function deploy() {
  const res = await owctl('deploy', 'local', '--json');
  if (res.exitCode !== 0) console.error(res.stdout.slice(-4000), res.stderr.slice(-4000));
  expect(res.exitCode).toBe(0);
  return recapOf(res.stdout);
}

describe('owctl deploy local', () => {
  let apihost = '';

  beforeAll(async () => {
    const [gw, ctl, inv, db] = [await freePort(), await freePort(), await freePort(), await freePort()];
    vars.push('-e', `gateway.port=${gw}`, '-e', `controller.basePort=${ctl}`, '-e', `invoker.port=${inv}`);
    vars.push('-e', `db.port=${db}`);
    apihost = `http://127.0.0.1:${gw}`;
  });

  afterAll(async () => {
    await owctl('teardown', 'local', '--purge', '--yes', '--json');
    rmSync(home, { recursive: true, force: true });
  });

  it('deploys from nothing and answers the seed article first steps', async () => {
    const first = await deploy();
    expect(first.localhost?.failed).toBe(0);
    expect(changedTotal(first)).toBeGreaterThan(0);

    const status = await owctl('status', 'local', '--json');
    const parsed = JSON.parse(status.stdout) as {
      apihost: string;
      auth: { guest: string };
      services: { healthy: boolean }[];
    };
    expect(parsed.apihost).toBe(apihost);
    expect(parsed.services.every((s) => s.healthy)).toBe(true);

    expect((await wsk('property', 'set', '--apihost', apihost)).stdout).toContain(
      `ok: whisk API host set to ${apihost}`,
    );
    expect((await wsk('property', 'set', '--auth', parsed.auth.guest)).exitCode).toBe(0);

    const echo = await wsk(
      'action',
      'invoke',
      '/whisk.system/utils/echo',
      '-p',
      'message',
      'hello',
      '--result',
    );
    expect(echo.exitCode).toBe(0);
    expect(JSON.parse(echo.stdout)).toEqual({ message: 'hello' });
    expect(echo.stdout).toContain('    "message": "hello"');

    const file = join(home, 'fib.py');
    writeFileSync(file, FIB);
    expect((await wsk('action', 'create', 'myfunction', file)).stdout).toContain(
      'ok: created action myfunction',
    );
    expect(await fibonacci(20)).toEqual({ fibonacci: 6765 });
  });

  it('serves API routes through the deployed gateway', async () => {
    const file = join(home, 'hello.js');
    writeFileSync(file, 'function main(args) { return { greeting: `hello ${args.name}` }; }\n');
    expect((await wsk('action', 'create', 'hello', file, '--web', 'true')).exitCode).toBe(0);
    expect(
      (await wsk('api', 'create', '/greet', '/hello', 'get', 'hello', '--response-type', 'json')).exitCode,
    ).toBe(0);
    let body: unknown;
    for (let i = 0; i < 50 && body === undefined; i++) {
      const res = await fetch(`${apihost}/api/guest/greet/hello?name=owctl`);
      if (res.status === 200) body = await res.json();
      else await new Promise((r) => setTimeout(r, 200));
    }
    expect(body).toEqual({ greeting: 'hello owctl' });
  });

  it('redeploys with changed 0 and keeps the action', async () => {
    const again = await deploy();
    expect(changedTotal(again)).toBe(0);
    expect((await wsk('action', 'get', 'myfunction')).exitCode).toBe(0);
  });

  it('keeps actions and activations across teardown and deploy', async () => {
    const before = await wsk('activation', 'list', '--limit', '50');
    expect(before.stdout).toContain('myfunction');
    const down = await owctl('teardown', 'local', '--json');
    expect(down.exitCode).toBe(0);
    await deploy();
    expect(await fibonacci(10)).toEqual({ fibonacci: 55 });
    const after = await wsk('activation', 'list', '--limit', '50');
    expect(after.stdout).toContain('myfunction');
  });
});
