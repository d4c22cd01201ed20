import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type ProxyProcess, PYTHON, startProxy, zipBase64 } from './proxy-process.ts';

const RUNTIMES = resolve(import.meta.dirname, '../../../services/runtimes');
const SENTINEL = 'XXX_THE_END_OF_A_WHISK_ACTIVATION_XXX';

interface Runtime {
  name: string;
  argv: string[];
  /** Prints to stdout and stderr, returns the args and the __OW_* env. */
  echo: string;
  appError: string;
  throws: string;
  notADict: string;
  customMain: string;
  syntaxError: string;
  /** A zip action doubling args.n through a second module. */
  zip: Record<string, string>;
}

const runtimes: Runtime[] = [
  {
    name: 'nodejs',
    argv: [process.execPath, `${RUNTIMES}/nodejs/proxy.mjs`],
    echo: `function main(args) {
      console.log('to stdout'); console.error('to stderr');
      const env = {}; for (const k of Object.keys(process.env)) if (k.startsWith('__OW_')) env[k] = process.env[k];
      return { args, env };
    }`,
    appError: `exports.main = () => ({ error: 'bad input' });`,
    throws: `module.exports = function () { throw new Error('boom'); };`,
    notADict: `function main() { return 42; }`,
    customMain: `function niam(a) { return { via: 'niam', n: a.n + 1 }; }`,
    syntaxError: `function main( {`,
    zip: {
      'package.json': '{"main": "lib/entry.js"}',
      'lib/entry.js': "const double = require('./helper'); exports.main = (a) => ({ zipped: double(a.n) });",
      'lib/helper.js': 'module.exports = (n) => n * 2;',
    },
  },
  {
    name: 'python',
    argv: [PYTHON, '-u', `${RUNTIMES}/python/proxy.py`],
    echo: `import os, sys
def main(args):
    print('to stdout')
    print('to stderr', file=sys.stderr)
    return {'args': args, 'env': {k: v for k, v in os.environ.items() if k.startswith('__OW_')}}
`,
    appError: `def main(args):\n    return {'error': 'bad input'}\n`,
    throws: `def main(args):\n    raise ValueError('boom')\n`,
    notADict: `def main(args):\n    return 42\n`,
    customMain: `def niam(a):\n    return {'via': 'niam', 'n': a['n'] + 1}\n`,
    syntaxError: `def main(:\n`,
    zip: {
      '__main__.py': 'from helper import double\ndef main(a):\n    return {"zipped": double(a["n"])}\n',
      'helper.py': 'def double(n):\n    return n * 2\n',
    },
  },
];

const runMessage = {
  value: { name: 'Ada' },
  namespace: 'guest',
  action_name: '/guest/hello',
  action_version: '0.0.1',
  activation_id: 'a1b2c3',
  transaction_id: 'tid-1',
  deadline: '1893456000000',
  api_key: 'uuid:secret',
};

describe.each(runtimes)('$name action proxy', (rt) => {
  let proxy: ProxyProcess | undefined;
  afterEach(async () => {
    await proxy?.close();
    proxy = undefined;
  });
  const start = async () => {
    proxy = await startProxy(rt.argv, { __OW_API_HOST: 'http://127.0.0.1:3233' });
    return proxy;
  };

  it('initialises once, runs with __OW_* env and writes the sentinel to stdout and stderr', async () => {
    const p = await start();
    expect(
      await p.post('/init', { value: { name: 'hello', main: 'main', code: rt.echo, binary: false } }),
    ).toEqual({
      status: 200,
      body: { OK: true },
    });
    const second = await p.post('/init', { value: { name: 'hello', main: 'main', code: rt.echo } });
    expect(second.status).toBe(403);
    const res = await p.post('/run', runMessage);
    expect(res.status).toBe(200);
    expect(res.body.args).toEqual({ name: 'Ada' });
    expect(res.body.env).toMatchObject({
      __OW_NAMESPACE: 'guest',
      __OW_ACTION_NAME: '/guest/hello',
      __OW_ACTION_VERSION: '0.0.1',
      __OW_ACTIVATION_ID: 'a1b2c3',
      __OW_TRANSACTION_ID: 'tid-1',
      __OW_DEADLINE: '1893456000000',
      __OW_API_KEY: 'uuid:secret',
      __OW_API_HOST: 'http://127.0.0.1:3233',
    });
    await expect.poll(() => p.stdout()).toBe(`to stdout\n${SENTINEL}\n`);
    await expect.poll(() => p.stderr()).toBe(`to stderr\n${SENTINEL}\n`);
    // A run without api_key must not see the previous activation's key.
    const { api_key: _, ...withoutKey } = runMessage;
    const again = await p.post('/run', { ...withoutKey, activation_id: 'second' });
    expect(again.body.env).toMatchObject({ __OW_ACTIVATION_ID: 'second' });
    expect(again.body.env).not.toHaveProperty('__OW_API_KEY');
  });

  it('returns an action result with an error key as 200 (application error)', async () => {
    const p = await start();
    await p.post('/init', { value: { name: 'e', main: 'main', code: rt.appError } });
    expect(await p.post('/run', runMessage)).toEqual({ status: 200, body: { error: 'bad input' } });
  });

  it('answers 502 with an error for an exception or a non-dictionary result, and still ends the activation', async () => {
    const p = await start();
    await p.post('/init', { value: { name: 't', main: 'main', code: rt.throws } });
    const thrown = await p.post('/run', runMessage);
    expect(thrown.status).toBe(502);
    expect(String(thrown.body.error)).toContain('boom');
    await expect.poll(() => p.stdout()).toContain(SENTINEL);

    const q = await startProxy(rt.argv);
    try {
      await q.post('/init', { value: { name: 'n', main: 'main', code: rt.notADict } });
      expect(await q.post('/run', runMessage)).toEqual({
        status: 502,
        body: { error: 'The action did not return a dictionary.' },
      });
    } finally {
      await q.close();
    }
  });

  it('calls the function named by main', async () => {
    const p = await start();
    expect((await p.post('/init', { value: { name: 'c', main: 'niam', code: rt.customMain } })).status).toBe(
      200,
    );
    expect(await p.post('/run', { ...runMessage, value: { n: 1 } })).toEqual({
      status: 200,
      body: { via: 'niam', n: 2 },
    });
  });

  it('fails /init with 502 and the cause for code that does not load, and refuses /run', async () => {
    const p = await start();
    const init = await p.post('/init', { value: { name: 's', main: 'main', code: rt.syntaxError } });
    expect(init.status).toBe(502);
    expect(String(init.body.error)).toMatch(/^Initialization has failed due to: .*SyntaxError/s);
    expect((await p.post('/run', runMessage)).status).toBe(403);
  });

  it('runs zip (binary) actions with their modules, and rejects a broken archive', async () => {
    const p = await start();
    const init = await p.post('/init', {
      value: { name: 'z', main: 'main', code: zipBase64(rt.zip), binary: true },
    });
    expect(init.status).toBe(200);
    expect(await p.post('/run', { ...runMessage, value: { n: 21 } })).toEqual({
      status: 200,
      body: { zipped: 42 },
    });

    const q = await startProxy(rt.argv);
    try {
      const bad = await q.post('/init', {
        value: { name: 'z', main: 'main', code: 'bm90IGEgemlw', binary: true },
      });
      expect(bad.status).toBe(502);
      expect(String(bad.body.error)).toMatch(/^Initialization has failed due to: .*zip/s);
    } finally {
      await q.close();
    }
  });
});

describe('nodejs action proxy specifics', () => {
  it('awaits promises, and a promise rejected with a plain value is an application error', async () => {
    const p = await startProxy(runtimes[0]!.argv);
    const q = await startProxy(runtimes[0]!.argv);
    try {
      await p.post('/init', {
        value: { code: `const main = (a) => new Promise((r) => setTimeout(() => r({ later: a.x }), 20));` },
      });
      expect(await p.post('/run', { ...runMessage, value: { x: 7 } })).toEqual({
        status: 200,
        body: { later: 7 },
      });
      await q.post('/init', { value: { code: `async function main() { throw { error: 'nope' }; }` } });
      expect(await q.post('/run', runMessage)).toEqual({ status: 200, body: { error: 'nope' } });
    } finally {
      await p.close();
      await q.close();
    }
  });

  it('loads CommonJS code that requires built-in modules', async () => {
    const p = await startProxy(runtimes[0]!.argv);
    try {
      await p.post('/init', {
        value: { code: `const os = require('node:os'); exports.main = () => ({ eol: os.EOL.length });` },
      });
      expect(await p.post('/run', runMessage)).toEqual({ status: 200, body: { eol: 1 } });
    } finally {
      await p.close();
    }
  });
});
