/**
 * wait_for (Ansible's): wait until a TCP port accepts connections or a URL answers the wanted
 * status (and body). Probes from the controller by default, or from the target host (`on: 'host'`,
 * for ports bound to the host's loopback) with bash/curl or node, whichever the host has.
 */
import { connect } from 'node:net';
import { request } from 'undici';
import { quote } from '../transports/shell.ts';
import {
  type ArgsOf,
  call,
  type Module,
  type ModuleCall,
  type ModuleContext,
  type ModuleResult,
} from './module.ts';
import { errorMessage, failed, lastLine, ok } from './results.ts';
import { type SecretUrl, showUrl, splitCredentials } from './reveal.ts';

export interface WaitForArgs {
  /** TCP: host (default: the target's ansible_host, or 127.0.0.1 with on: 'host') and port. */
  host?: string;
  port?: number;
  /** HTTP: the URL, the wanted status (default 200) and optionally a text the body must contain. */
  url?: SecretUrl;
  status?: number;
  bodyIncludes?: string;
  /** Give up after this many tries (default: as many as fit in timeoutMs). */
  retries?: number;
  /** Pause between tries (default 1000). */
  delayMs?: number;
  /** Give up after this long in total (default 60000). */
  timeoutMs?: number;
  on?: 'controller' | 'host';
}

/** One try never waits longer than this, so a hung connect does not eat the whole budget. */
const ATTEMPT_MS = 5000;

type Probe = (attemptMs: number) => Promise<string | undefined>;

function tcpFromController(host: string, port: number): Probe {
  return (attemptMs) =>
    new Promise((resolve) => {
      const socket = connect({ host, port });
      const done = (error?: string) => {
        socket.destroy();
        resolve(error);
      };
      socket.setTimeout(attemptMs, () => done(`no connection within ${attemptMs} ms`));
      socket.once('connect', () => done());
      socket.once('error', (err) => done(errorMessage(err)));
    });
}

function checkResponse(
  status: number,
  body: string,
  wanted: number,
  bodyIncludes?: string,
): string | undefined {
  if (status !== wanted) return `status ${status}, expected ${wanted}`;
  if (bodyIncludes !== undefined && !body.includes(bodyIncludes)) {
    return `status ${status} but the body does not contain ${JSON.stringify(bodyIncludes)}`;
  }
  return undefined;
}

function httpFromController(url: SecretUrl, wanted: number, bodyIncludes?: string): Probe {
  const target = splitCredentials(url);
  return async (attemptMs) => {
    try {
      const res = await request(target.url, {
        headers: target.authorization ? { authorization: target.authorization } : {},
        headersTimeout: attemptMs,
        bodyTimeout: attemptMs,
      });
      return checkResponse(res.statusCode, await res.body.text(), wanted, bodyIncludes);
    } catch (err) {
      return errorMessage(err);
    }
  };
}

/** Node fallback for hosts without bash or curl: prints the body then the status on the last line. */
const NODE_HTTP = `let h='';process.stdin.on('data',d=>h+=d).on('end',()=>fetch(process.argv[1],{headers:h?{authorization:h.replace(/^authorization:\\s*/i,'').trim()}:{},signal:AbortSignal.timeout(+process.argv[2])}).then(async r=>process.stdout.write((await r.text())+'\\n'+r.status)).catch(e=>{console.error(e.cause?.message??e.message);process.exit(1)}))`;
const NODE_TCP = `const s=require('net').connect(+process.argv[2],process.argv[1]).on('connect',()=>{s.destroy()}).on('error',e=>{console.error(e.message);process.exit(1)});s.setTimeout(+process.argv[3],()=>{console.error('timeout');process.exit(1)})`;

function onHost(
  ctx: ModuleContext,
  script: string,
  stdin: string,
  parse: (stdout: string) => string | undefined,
): Probe {
  return async (attemptMs) => {
    const res = await ctx.transport.exec(script, { stdin, timeoutMs: attemptMs + 2000 });
    if (res.exitCode === 127)
      return `neither the needed tool nor node exists on host ${ctx.host.name}: ${lastLine(res.stderr)}`;
    if (res.exitCode !== 0) return lastLine(res.stderr) || `probe exited with code ${res.exitCode}`;
    return parse(res.stdout);
  };
}

function tcpOnHost(ctx: ModuleContext, host: string, port: number, attemptMs: number): Probe {
  const seconds = Math.max(1, Math.ceil(attemptMs / 1000));
  const script =
    `if command -v bash >/dev/null 2>&1 && command -v timeout >/dev/null 2>&1; then ` +
    `timeout ${seconds} bash -c ${quote(`exec 3<>/dev/tcp/${host}/${port}`)}; ` +
    `else node -e ${quote(NODE_TCP)} ${quote(host)} ${port} ${attemptMs}; fi`;
  return onHost(ctx, script, '', () => undefined);
}

function httpOnHost(
  ctx: ModuleContext,
  url: SecretUrl,
  wanted: number,
  attemptMs: number,
  bodyIncludes?: string,
): Probe {
  const target = splitCredentials(url);
  const seconds = Math.max(1, Math.ceil(attemptMs / 1000));
  // Credentials go through stdin, not the command line other users of the host could read.
  const script =
    `if command -v curl >/dev/null 2>&1; then curl -sS -H @- -o - -w '\\n%{http_code}' --max-time ${seconds} ${quote(target.url)}; ` +
    `else node -e ${quote(NODE_HTTP)} ${quote(target.url)} ${attemptMs}; fi`;
  const stdin = target.authorization ? `Authorization: ${target.authorization}\n` : '';
  return onHost(ctx, script, stdin, (stdout) => {
    const cut = stdout.lastIndexOf('\n');
    return checkResponse(Number(stdout.slice(cut + 1)), stdout.slice(0, cut), wanted, bodyIncludes);
  });
}

async function runWaitFor(args: WaitForArgs, ctx: ModuleContext): Promise<ModuleResult> {
  const fromHost = args.on === 'host';
  const where = fromHost
    ? `from host ${ctx.host.name}`
    : `from the controller (task on host ${ctx.host.name})`;
  const timeoutMs = args.timeoutMs ?? 60_000;
  const delayMs = args.delayMs ?? 1000;
  const attemptMs = Math.min(ATTEMPT_MS, timeoutMs);
  let what: string;
  let probe: Probe;
  if (args.url !== undefined) {
    const status = args.status ?? 200;
    what = `${showUrl(args.url)} to answer ${status}${args.bodyIncludes ? ` with ${JSON.stringify(args.bodyIncludes)}` : ''}`;
    try {
      probe = fromHost
        ? httpOnHost(ctx, args.url, status, attemptMs, args.bodyIncludes)
        : httpFromController(args.url, status, args.bodyIncludes);
    } catch {
      return failed(`wait_for on host ${ctx.host.name}: ${what} — the url is not valid; check it`);
    }
  } else if (args.port !== undefined) {
    const host = args.host ?? (fromHost ? '127.0.0.1' : ctx.host.vars.ansible_host);
    what = `TCP ${host}:${args.port} to accept connections`;
    probe = fromHost ? tcpOnHost(ctx, host, args.port, attemptMs) : tcpFromController(host, args.port);
  } else {
    return failed(`wait_for on host ${ctx.host.name} needs a url or a port to wait for`);
  }

  const started = Date.now();
  let lastError = '';
  for (let attempt = 1; ; attempt++) {
    const remaining = timeoutMs - (Date.now() - started);
    lastError = (await probe(Math.max(100, Math.min(attemptMs, remaining)))) ?? '';
    const elapsed = Date.now() - started;
    if (lastError === '')
      return ok(`${what}: ready after ${attempt} tries (${elapsed} ms)`, {
        attempts: attempt,
        elapsedMs: elapsed,
      });
    const outOfTries = args.retries !== undefined && attempt >= args.retries;
    if (outOfTries || elapsed + delayMs >= timeoutMs || ctx.signal?.aborted) {
      return failed(
        `waited ${elapsed} ms (${attempt} tries) ${where} for ${what}; last error: ${lastError}. Check that the service started (its logs) and listens where expected`,
        { data: { attempts: attempt, elapsedMs: elapsed, lastError } },
      );
    }
    ctx.log(`wait_for ${what}: try ${attempt} failed (${lastError}); retrying in ${delayMs} ms`);
    await new Promise((r) => setTimeout(r, delayMs));
  }
}

export const waitForModule: Module<WaitForArgs> = { name: 'wait_for', checkMode: 'probe', run: runWaitFor };

export function waitFor(args: ArgsOf<WaitForArgs>): ModuleCall<WaitForArgs> {
  return call(waitForModule, args);
}
