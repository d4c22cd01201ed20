import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProcessFactory } from '../../../services/invoker/factories/process.ts';
import { ContainerTimeoutError } from '../../../services/invoker/factory.ts';
import {
  loadRuntimeManifest,
  parseRuntimeManifest,
  requireKind,
} from '../../../services/runtimes/manifest.ts';

const nodejs = requireKind(loadRuntimeManifest(), 'nodejs:20');

/** A logger whose lines the test can read. */
function capturingLogger() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { logger: pino({ level: 'warn' }, stream), lines };
}

describe('process container factory', () => {
  let dir: string;
  const savedPath = process.env.PATH;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'owctl-factory-'));
  });
  afterAll(async () => {
    process.env.PATH = savedPath;
    await rm(dir, { recursive: true, force: true });
  });

  /** Runs fn with a PATH where bwrap cannot be found. */
  async function withoutBwrap<T>(fn: () => Promise<T>): Promise<T> {
    process.env.PATH = join(dir, 'empty-bin');
    try {
      return await fn();
    } finally {
      process.env.PATH = savedPath;
    }
  }

  it('refuses to start when sandbox is bwrap but bubblewrap is missing, saying what to do', async () => {
    const { logger } = capturingLogger();
    const factory = createProcessFactory({ stateDir: join(dir, 'strict'), sandbox: 'bwrap', logger });
    await expect(
      withoutBwrap(() => factory.create({ kind: nodejs, memoryMB: 256, env: {}, name: 'strict1' })),
    ).rejects.toThrow(
      /sandbox is set to 'bwrap' but bwrap is not installed.*set "sandbox": "auto" or "none"/,
    );
  });

  it('falls back to no sandbox with a warning when sandbox is auto and bubblewrap is missing', async () => {
    const { logger, lines } = capturingLogger();
    const factory = createProcessFactory({ stateDir: join(dir, 'auto'), sandbox: 'auto', logger });
    const visible = join(dir, 'visible.txt');
    await writeFile(visible, 'host file');
    const c = await withoutBwrap(() =>
      factory.create({ kind: nodejs, memoryMB: 256, env: {}, name: 'auto1' }),
    );
    try {
      expect(lines.join('')).toContain('running actions without a sandbox');
      await c.init(
        { value: { code: `exports.main = (a) => ({ text: require('fs').readFileSync(a.p, 'utf8') })` } },
        5000,
      );
      expect(await c.run({ value: { p: visible } }, 5000)).toMatchObject({
        status: 200,
        body: { text: 'host file' },
      });
    } finally {
      await c.destroy();
    }
    expect(existsSync(join(dir, 'auto', 'auto1'))).toBe(false);
  });

  it('kills the whole process group on timeout, including processes the action started', async () => {
    const { logger } = capturingLogger();
    const factory = createProcessFactory({ stateDir: join(dir, 'none'), sandbox: 'none', logger });
    const c = await factory.create({ kind: nodejs, memoryMB: 256, env: {}, name: 'group1' });
    await c.init(
      {
        value: {
          code: `function main() {
            const child = require('child_process').spawn('sleep', ['60'], { stdio: 'ignore' });
            require('fs').writeFileSync('child.pid', String(child.pid));
            return new Promise(() => {});
          }`,
        },
      },
      5000,
    );
    await expect(c.run({ value: {} }, 300)).rejects.toBeInstanceOf(ContainerTimeoutError);
    expect(c.alive).toBe(false);
    const pid = Number(readFileSync(join(dir, 'none', 'group1', 'child.pid'), 'utf8'));
    // Gone, or a zombie waiting for a reaper (it was re-parented when the proxy died).
    const state = () => {
      try {
        return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0];
      } catch {
        return 'gone';
      }
    };
    await expect.poll(state).toMatch(/^(gone|Z)$/);
    await c.destroy();
  });

  it('names a kind it has no action proxy for and points to the docker factory', async () => {
    const { logger } = capturingLogger();
    const factory = createProcessFactory({ stateDir: join(dir, 'kinds'), sandbox: 'none', logger });
    const manifest = parseRuntimeManifest(
      {
        runtimes: {
          java: [{ kind: 'java:8', image: { prefix: 'openwhisk', name: 'java8action', tag: 'nightly' } }],
        },
      },
      'inline',
    );
    await expect(
      factory.create({ kind: requireKind(manifest, 'java:8'), memoryMB: 256, env: {}, name: 'java1' }),
    ).rejects.toThrow(
      `Runtime kind 'java:8' has no action proxy for the process container factory; use "containerFactory": "docker" for it.`,
    );
  });
});
