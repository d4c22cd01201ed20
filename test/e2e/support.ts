/**
 * A deployed environment for end-to-end tests: its own OWCTL_HOME and wskprops, free ports for
 * every service, and `owctl` / `wsk` run as real processes against it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { expect } from 'vitest';
import { freePort } from '../support/ports.ts';

const ROOT = resolve(import.meta.dirname, '../..');

export type Recap = Record<
  string,
  { ok: number; changed: number; failed: number; skipped: number; unreachable: number }
>;

export function recapOf(stdout: string): Recap {
  const last = stdout.trim().split('\n').at(-1) ?? '{}';
  return (JSON.parse(last) as { recap: Recap }).recap;
}

export function changedTotal(recap: Recap): number {
  return Object.values(recap).reduce((n, h) => n + h.changed, 0);
}

export interface CommandResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface E2eEnvironment {
  home: string;
  /** Set by usePorts(). */
  apihost: string;
  owctl(...args: string[]): Promise<CommandResult>;
  wsk(...args: string[]): Promise<CommandResult>;
  /** Picks free ports for every service (call in beforeAll). */
  usePorts(): Promise<void>;
  /** `owctl deploy ENV --json`, expected to succeed; returns the recap. */
  deploy(): Promise<Recap>;
  /** teardown --purge and remove the state folder. */
  destroy(): Promise<void>;
}

export function e2eEnvironment(name: string): E2eEnvironment {
  const home = mkdtempSync(join(tmpdir(), `owctl-e2e-${name}-`));
  const env = { ...process.env, OWCTL_HOME: home, WSK_CONFIG_FILE: join(home, 'wskprops.test') };
  const vars: string[] = [];
  const run = async (bin: string, args: string[]): Promise<CommandResult> => {
    const res = await execa('node', [join(ROOT, bin), ...args], { env, reject: false, cwd: ROOT });
    return { exitCode: res.exitCode ?? 1, stdout: res.stdout, stderr: res.stderr };
  };
  const e: E2eEnvironment = {
    home,
    apihost: '',
    owctl: (...args) => run('bin/owctl.js', [...args, ...vars]),
    wsk: (...args) => run('bin/wsk.js', args),
    async usePorts() {
      const [gw, ctl, inv, db] = [await freePort(), await freePort(), await freePort(), await freePort()];
      vars.push('-e', `gateway.port=${gw}`, '-e', `controller.basePort=${ctl}`, '-e', `invoker.port=${inv}`);
      vars.push('-e', `db.port=${db}`);
      e.apihost = `http://127.0.0.1:${gw}`;
    },
    async deploy() {
      const res = await e.owctl('deploy', name, '--json');
      if (res.exitCode !== 0) console.error(res.stdout.slice(-4000), res.stderr.slice(-4000));
      expect(res.exitCode).toBe(0);
      return recapOf(res.stdout);
    },
    async destroy() {
      await e.owctl('teardown', name, '--purge', '--yes', '--json');
      rmSync(home, { recursive: true, force: true });
    },
  };
  return e;
}
