import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { processStatus, SUPERVISOR_SOURCE, supervisedProcess } from '../../../engine/modules/process.ts';
import { quote } from '../../../engine/transports/shell.ts';
import { type Harness, harness } from '../../unit/modules/support.ts';

let h: Harness;
const started: number[] = [];
beforeEach(async () => {
  h = await harness();
});
afterEach(async () => {
  // SIGTERM: supervisors then stop their children; the foreign sleep just exits.
  for (const pid of started.splice(0)) {
    try {
      if (alive(pid)) process.kill(pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
  await h.cleanup();
});

/** Running (not a zombie: this machine's pid 1 may reap late). */
const alive = (pid: number | undefined) => {
  if (!pid) return false;
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};

async function until(what: string, check: () => boolean | Promise<boolean>, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function daemon(name: string, command: string[], extra: string[] = []) {
  const pidFile = `${h.dir}/run/${name}.pid`;
  const logFile = `${h.dir}/logs/${name}.log`;
  const res = await h.transport.exec(
    [
      process.execPath,
      SUPERVISOR_SOURCE,
      '--daemonize',
      '--name',
      name,
      '--pid-file',
      pidFile,
      '--log-file',
      logFile,
      ...extra,
      '--',
      ...command,
    ]
      .map(quote)
      .join(' '),
  );
  expect(res.exitCode, res.stderr).toBe(0);
  const pid = Number(res.stdout.trim());
  started.push(pid);
  return { pid, pidFile, logFile };
}

describe('supervisor', () => {
  it('restarts a crashing child with backoff and stops cleanly on SIGTERM', async () => {
    const d = await daemon('crashy', ['sh', '-c', 'echo up; sleep 0.1; exit 3']);
    await until(
      'two restarts',
      async () => ((await processStatus(h.transport, d.pidFile)).restarts ?? 0) >= 2,
    );
    const log = await readFile(d.logFile, 'utf8');
    expect(log).toMatch(/exited with code 3 after \d+ ms; restarting in 200 ms/);
    expect(log).toMatch(/restarting in 400 ms/);
    expect(log.match(/^up$/gm)?.length).toBeGreaterThanOrEqual(2);
    process.kill(d.pid, 'SIGTERM');
    await until('supervisor exit', () => !alive(d.pid));
    expect(await h.transport.stat(d.pidFile)).toBeUndefined();
    expect(await h.transport.stat(`${d.pidFile}.json`)).toBeUndefined();
  });

  it('SIGKILLs a child that ignores SIGTERM after the stop timeout, and its whole group', async () => {
    const d = await daemon(
      'stubborn',
      ['sh', '-c', "trap '' TERM; echo ready; sleep 30 & wait"],
      ['--stop-timeout-ms', '300'],
    );
    await until('the trap to be set', async () => (await readFile(d.logFile, 'utf8')).includes('ready'));
    const { childPid } = await processStatus(h.transport, d.pidFile);
    expect(alive(childPid)).toBe(true);
    const t0 = Date.now();
    process.kill(d.pid, 'SIGTERM');
    await until('supervisor exit', () => !alive(d.pid));
    expect(Date.now() - t0, await readFile(d.logFile, 'utf8')).toBeGreaterThanOrEqual(250);
    expect(alive(childPid)).toBe(false);
    const orphans = await h.transport.exec(`ps -eo pgid=,stat= | awk '$1 == ${childPid} && $2 !~ /Z/'`);
    expect(orphans.stdout.trim()).toBe('');
    expect(await readFile(d.logFile, 'utf8')).toContain('did not stop within 300 ms; sending SIGKILL');
  });

  it('rotates the log past the size limit, keeping one old file', async () => {
    const d = await daemon(
      'chatty',
      [
        'sh',
        '-c',
        'i=0; while [ $i -lt 200 ]; do echo "line $i of some log output"; i=$((i+1)); done; sleep 30',
      ],
      ['--max-log-bytes', '2000'],
    );
    await until('rotation', async () => (await h.transport.stat(`${d.logFile}.1`)) !== undefined);
    expect((await h.transport.stat(`${d.logFile}.1`))?.size).toBeGreaterThanOrEqual(2000);
    expect((await h.transport.stat(d.logFile))?.size).toBeLessThan(2000 + 100);
  });

  it('fails visibly when the command cannot start, leaving nothing running', async () => {
    const res = await h.transport.exec(
      `'${process.execPath}' '${SUPERVISOR_SOURCE}' --daemonize --name nope --pid-file ${h.dir}/nope.pid --log-file ${h.dir}/nope.log -- /no/such/program`,
    );
    expect(res.exitCode).not.toBe(0);
    expect(res.stderr).toContain(`did not start its command /no/such/program; see ${h.dir}/nope.log`);
    expect(await readFile(`${h.dir}/nope.log`, 'utf8')).toContain('ENOENT');
    await until(
      'no supervisor left',
      async () => !(await processStatus(h.transport, `${h.dir}/nope.pid`)).running,
    );
  });
});

describe('process module', () => {
  const sleeper = (extra: Record<string, unknown> = {}) =>
    supervisedProcess({
      name: 'svc',
      command: ['sh', '-c', 'echo "GREETING=$GREETING" > "$OUT"; exec sleep 60'],
      env: { GREETING: 'hello', OUT: `${h.dir}/out.txt` },
      state: 'started',
      configHash: 'v1',
      ...extra,
    });

  it('starts once, is idempotent, restarts on a config change, and stops', async () => {
    const first = await h.run(sleeper());
    expect(first.status, first.msg).toBe('changed');
    const pid = first.data?.supervisorPid as number;
    started.push(pid);
    expect(alive(pid)).toBe(true);
    expect(await h.transport.stat(`${h.dir}/deploy/bin/supervise.mjs`)).toBeDefined();
    await until('child output', async () => (await h.transport.readFile(`${h.dir}/out.txt`)) !== undefined);
    expect(await readFile(`${h.dir}/out.txt`, 'utf8')).toBe('GREETING=hello\n');

    const again = await h.run(sleeper());
    expect(again.status).toBe('ok');
    expect(again.data?.supervisorPid).toBe(pid);

    const check = await h.run(sleeper({ configHash: 'v2' }), { check: true, diff: true });
    expect(check.status).toBe('changed');
    expect(check.msg).toBe('would restart svc (configuration changed)');
    expect(check.diff?.[0]?.target).toBe('process svc');
    expect(alive(pid)).toBe(true);

    const restarted = await h.run(sleeper({ configHash: 'v2' }));
    expect(restarted.msg).toBe('restarted svc (configuration changed)');
    const newPid = restarted.data?.supervisorPid as number;
    started.push(newPid);
    expect(newPid).not.toBe(pid);
    expect(alive(pid)).toBe(false);
    expect((await h.run(sleeper({ configHash: 'v2' }))).status).toBe('ok');

    const forced = await h.run(sleeper({ configHash: 'v2', state: 'restarted' }));
    expect(forced.status).toBe('changed');
    const forcedPid = forced.data?.supervisorPid as number;
    started.push(forcedPid);

    const stopped = await h.run(sleeper({ state: 'stopped' }));
    expect(stopped.status).toBe('changed');
    expect(alive(forcedPid)).toBe(false);
    expect((await h.run(sleeper({ state: 'stopped' }))).status).toBe('ok');
  });

  it('check mode starts nothing and installs nothing', async () => {
    const res = await h.run(sleeper(), { check: true });
    expect(res.msg).toBe('would start svc');
    expect(await h.transport.stat(`${h.dir}/deploy/bin/supervise.mjs`)).toBeUndefined();
    expect((await processStatus(h.transport, `${h.dir}/deploy/run/svc.pid`)).running).toBe(false);
  });

  it('never signals a process it did not start, even when a pid file names it', async () => {
    const foreign = spawn('sleep', ['30'], { stdio: 'ignore' });
    started.push(foreign.pid ?? 0);
    await writeFile(`${h.dir}/foreign.pid`, `${foreign.pid}\n`);
    const res = await h.run(sleeper({ pidFile: `${h.dir}/foreign.pid`, state: 'stopped' }));
    expect(res.status).toBe('ok');
    expect(alive(foreign.pid)).toBe(true);
  });

  it('reports a command that cannot start, naming host, command and log', async () => {
    const res = await h.run(supervisedProcess({ name: 'bad', command: ['/no/such/bin'], state: 'started' }));
    expect(res.status).toBe('failed');
    expect(res.msg).toMatch(
      /^starting bad on host testhost failed .*did not start its command \/no\/such\/bin.*check the command and the log .*bad\.log/,
    );
  });
});
