#!/usr/bin/env node
// @ts-check
/**
 * A tiny process supervisor for hosts without systemd. Plain, dependency-free ESM so it runs on any
 * host that has `node` (owctl's process module copies it to {deploy_dir}/bin/supervise.mjs).
 *
 *   node supervise.mjs --name NAME --pid-file FILE --log-file FILE [--config-hash H] [--cwd DIR]
 *        [--daemonize] [--stop-timeout-ms 10000] [--max-log-bytes 10485760] -- COMMAND [ARGS...]
 *
 * Runs COMMAND, appends its stdout/stderr to the log file (rotated to FILE.1 past the size limit),
 * restarts it when it exits (backoff 200 ms doubling to 5 s, reset after 30 s of healthy running),
 * and on SIGTERM/SIGINT stops it (SIGTERM, SIGKILL after the stop timeout) and exits.
 * State: FILE holds the supervisor's pid; FILE.json holds
 * { name, supervisorPid, childPid, configHash, startedAt, restarts, lastExit }.
 * --daemonize: start a detached supervisor, wait until it runs the command, print its pid, exit.
 */
import { spawn } from 'node:child_process';
import {
  closeSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';

const FIRST_DELAY_MS = 200;
const MAX_DELAY_MS = 5000;
const HEALTHY_AFTER_MS = 30_000;

/**
 * @typedef {{ name: string, pidFile: string, logFile: string, configHash: string, cwd: string | undefined,
 *   daemonize: boolean, stopTimeoutMs: number, maxLogBytes: number, command: string[] }} Options
 */

/** @param {string[]} argv @returns {Options} */
function parseArgs(argv) {
  const split = argv.indexOf('--');
  const flags = split < 0 ? argv : argv.slice(0, split);
  const command = split < 0 ? [] : argv.slice(split + 1);
  /** @type {Record<string, string>} */
  const values = {};
  let daemonize = false;
  for (let i = 0; i < flags.length; i++) {
    const flag = flags[i] ?? '';
    if (flag === '--daemonize') daemonize = true;
    else if (flag.startsWith('--') && i + 1 < flags.length) values[flag.slice(2)] = flags[++i] ?? '';
    else fail(`unknown or incomplete option ${flag}`);
  }
  for (const required of ['name', 'pid-file', 'log-file']) {
    if (!values[required]) fail(`--${required} is required`);
  }
  if (command.length === 0) fail('give the command to supervise after --');
  return {
    name: values.name ?? '',
    pidFile: values['pid-file'] ?? '',
    logFile: values['log-file'] ?? '',
    configHash: values['config-hash'] ?? '',
    cwd: values.cwd,
    daemonize,
    stopTimeoutMs: Number(values['stop-timeout-ms'] ?? 10_000),
    maxLogBytes: Number(values['max-log-bytes'] ?? 10 * 1024 * 1024),
    command,
  };
}

/** @param {string} msg @returns {never} */
function fail(msg) {
  process.stderr.write(`supervise: ${msg}\n`);
  process.exit(2);
}

/** @param {string} path */
function readState(path) {
  try {
    return JSON.parse(readFileSync(`${path}.json`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** @param {number} pid */
function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Appends to the log, rotating it to LOG.1 (one kept) when it outgrows the limit. */
class Log {
  /** @param {string} path @param {number} maxBytes */
  constructor(path, maxBytes) {
    this.path = path;
    this.maxBytes = maxBytes;
    mkdirSync(dirname(path), { recursive: true });
    this.fd = openSync(path, 'a');
    this.size = statSync(path).size;
  }

  /** @param {Buffer | string} data */
  write(data) {
    this.size += writeSync(this.fd, typeof data === 'string' ? Buffer.from(data) : data);
    if (this.size >= this.maxBytes) {
      closeSync(this.fd);
      renameSync(this.path, `${this.path}.1`);
      this.fd = openSync(this.path, 'a');
      this.size = 0;
    }
  }
}

/** @param {Options} opts */
async function daemonize(opts) {
  // Fail here, visibly, rather than in a detached process nobody watches.
  new Log(opts.logFile, opts.maxLogBytes);
  mkdirSync(dirname(opts.pidFile), { recursive: true });
  const args = process.argv.slice(1).filter((a, i, all) => a !== '--daemonize' || all.indexOf('--') < i);
  if (opts.cwd && !statSync(opts.cwd, { throwIfNoEntry: false })?.isDirectory()) {
    fail(`working directory ${opts.cwd} for ${opts.name} does not exist`);
  }
  const child = spawn(process.execPath, args, { detached: true, stdio: 'ignore', cwd: opts.cwd });
  child.on('error', (err) => fail(`cannot start the supervisor for ${opts.name}: ${err.message}`));
  child.unref();
  const pid = child.pid;
  const deadline = Date.now() + 5000;
  while (pid !== undefined && Date.now() < deadline) {
    const state = readState(opts.pidFile);
    if (state?.supervisorPid === pid && state.childPid) {
      process.stdout.write(`${pid}\n`);
      return;
    }
    if (state?.supervisorPid === pid && state.lastExit) break;
    if (!alive(pid)) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  // Do not leave a supervisor retrying a command that cannot start.
  if (pid !== undefined && alive(pid)) process.kill(pid, 'SIGTERM');
  fail(`supervisor for ${opts.name} did not start its command ${opts.command[0]}; see ${opts.logFile}`);
}

/** @param {Options} opts */
function supervise(opts) {
  const log = new Log(opts.logFile, opts.maxLogBytes);
  /** @param {string} msg */
  const note = (msg) => log.write(`${new Date().toISOString()} [supervise ${opts.name}] ${msg}\n`);
  const startedAt = new Date().toISOString();
  /** @type {import('node:child_process').ChildProcess | undefined} */
  let child;
  let restarts = -1;
  let delay = FIRST_DELAY_MS;
  let stopping = false;
  /** @type {NodeJS.Timeout | undefined} */
  let restartTimer;
  /** How the command last ended, e.g. "exited with code 1". */
  let lastExit = '';

  const saveState = () => {
    const state = {
      name: opts.name,
      supervisorPid: process.pid,
      childPid: child?.pid ?? null,
      configHash: opts.configHash,
      startedAt,
      restarts: Math.max(restarts, 0),
      lastExit,
    };
    writeFileSync(`${opts.pidFile}.json`, `${JSON.stringify(state)}\n`);
    writeFileSync(opts.pidFile, `${process.pid}\n`);
  };

  const finish = () => {
    note('stopped');
    rmSync(opts.pidFile, { force: true });
    rmSync(`${opts.pidFile}.json`, { force: true });
    process.exit(0);
  };

  const start = () => {
    restarts++;
    const began = Date.now();
    let gone = false;
    const proc = spawn(opts.command[0] ?? '', opts.command.slice(1), {
      cwd: opts.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      // Own process group, so stopping reaches whatever the command started.
      detached: true,
    });
    child = proc;
    proc.stdout?.on('data', (d) => log.write(d));
    proc.stderr?.on('data', (d) => log.write(d));
    /** @param {string} how */
    const onGone = (how) => {
      if (gone) return;
      gone = true;
      child = undefined;
      const ranMs = Date.now() - began;
      lastExit = how;
      if (stopping) return finish();
      if (ranMs >= HEALTHY_AFTER_MS) delay = FIRST_DELAY_MS;
      note(`${opts.command[0]} (pid ${proc.pid ?? '-'}) ${how} after ${ranMs} ms; restarting in ${delay} ms`);
      saveState();
      restartTimer = setTimeout(start, delay);
      delay = Math.min(delay * 2, MAX_DELAY_MS);
    };
    proc.on('error', (err) => onGone(`failed: ${err.message}`));
    proc.on('exit', (code, signal) =>
      onGone(signal ? `was killed by ${signal}` : `exited with code ${code}`),
    );
    if (proc.pid !== undefined) note(`started ${opts.command.join(' ')} (pid ${proc.pid})`);
    saveState();
  };

  /** @param {NodeJS.Signals} signal */
  const stop = (signal) => {
    if (stopping) return;
    stopping = true;
    clearTimeout(restartTimer);
    note(`received ${signal}, stopping`);
    const pid = child?.pid;
    if (!child || pid === undefined) return finish();
    killGroup(pid, 'SIGTERM');
    setTimeout(() => {
      note(`${opts.command[0]} did not stop within ${opts.stopTimeoutMs} ms; sending SIGKILL`);
      killGroup(pid, 'SIGKILL');
    }, opts.stopTimeoutMs).unref();
  };

  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGHUP', () => undefined);
  start();
}

/** @param {number} pid @param {NodeJS.Signals} signal */
function killGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

const opts = parseArgs(process.argv.slice(2));
if (opts.daemonize) await daemonize(opts);
else supervise(opts);
