/**
 * The seed article's first steps against a real `owctl deploy local`: fresh state folder, deploy,
 * wsk property set, echo from the catalog, the Python fibonacci action, an idempotent redeploy,
 * teardown and deploy again with nothing lost.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changedTotal, e2eEnvironment } from './support.ts';

const e = e2eEnvironment('local');
const { home, owctl, wsk } = e;

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

const deploy = () => e.deploy();

describe('owctl deploy local', () => {
  let apihost = '';

  beforeAll(async () => {
    await e.usePorts();
    apihost = e.apihost;
  });

  afterAll(() => e.destroy());

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
    writeFileSync(file, 'function main(args) { return { greeting: "hello " + args.name }; }\n');
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

  it('works with the official openwhisk npm client through the gateway', async () => {
    const openwhisk = (await import('openwhisk')).default;
    const status = JSON.parse((await owctl('status', 'local', '--json')).stdout) as {
      auth: { guest: string };
    };
    const ow = openwhisk({ apihost, api_key: status.auth.guest });

    expect(await ow.namespaces.list()).toEqual(['guest']);
    await ow.packages.create({ name: 'owpkg', package: { parameters: [{ key: 'greeting', value: 'hi' }] } });
    await ow.actions.create({ name: 'owpkg/greet', action: 'function main(p) { return p; }' });
    const result = await ow.actions.invoke({
      name: 'owpkg/greet',
      params: { to: 'you' },
      blocking: true,
      result: true,
    });
    expect(result).toEqual({ greeting: 'hi', to: 'you' });
    // Records are written in batches off the invoke path: poll as a user would.
    let listed = 0;
    for (let i = 0; i < 50 && listed === 0; i++) {
      listed = (await ow.activations.list({ name: 'owpkg/greet' })).length;
      if (listed === 0) await new Promise((r) => setTimeout(r, 100));
    }
    expect(listed).toBeGreaterThan(0);

    await ow.triggers.create({ name: 'owtrig' });
    await ow.rules.create({ name: 'owrule', trigger: '/_/owtrig', action: '/_/owpkg/greet' });
    const fired = await ow.triggers.invoke({ name: 'owtrig', params: { to: 'rule' } });
    expect(fired.activationId).toMatch(/^[0-9a-f]{32}$/);
    let ruleResult: unknown;
    for (let i = 0; i < 50 && ruleResult === undefined; i++) {
      const acts = (await ow.activations.list({ name: 'owpkg/greet', docs: true })) as {
        response?: { result?: { to?: string } };
      }[];
      ruleResult = acts.find((a) => a.response?.result?.to === 'rule')?.response?.result;
      if (ruleResult === undefined) await new Promise((r) => setTimeout(r, 100));
    }
    expect(ruleResult).toEqual({ greeting: 'hi', to: 'rule' });
    await ow.rules.delete({ name: 'owrule' });
    await ow.triggers.delete({ name: 'owtrig' });
    await ow.actions.delete({ name: 'owpkg/greet' });
    await ow.packages.delete({ name: 'owpkg' });
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
