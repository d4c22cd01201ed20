/** Starts an action proxy as a bare process on a free loopback port, as the real images run it. */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { freePort } from '../../support/ports.ts';

export interface ProxyProcess {
  url: string;
  stdout: () => string;
  stderr: () => string;
  post(path: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }>;
  close(): Promise<void>;
}

/** The real python binary (python3 on PATH may be a pyenv shim). */
export const PYTHON = execFileSync('python3', ['-c', 'import sys;print(sys.executable)']).toString().trim();

export async function startProxy(argv: string[], env: Record<string, string> = {}): Promise<ProxyProcess> {
  const port = await freePort();
  const [cmd, ...args] = argv as [string, ...string[]];
  const child: ChildProcess = spawn(cmd, args, {
    env: {
      PATH: process.env.PATH ?? '',
      ...env,
      __OW_PROXY_PORT: String(port),
      __OW_PROXY_HOST: '127.0.0.1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (b: Buffer) => {
    out += b.toString();
  });
  child.stderr?.on('data', (b: Buffer) => {
    err += b.toString();
  });
  const url = `http://127.0.0.1:${port}`;
  const post = async (path: string, body: unknown) => {
    const res = await fetch(url + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  for (let i = 0; ; i++) {
    try {
      await fetch(url);
      break;
    } catch (e) {
      if (i > 300 || child.exitCode !== null)
        throw new Error(`proxy ${argv.join(' ')} did not start: ${err}`, { cause: e });
      await new Promise((r) => setTimeout(r, 10));
    }
  }
  return {
    url,
    stdout: () => out,
    stderr: () => err,
    post,
    close: async () => {
      if (child.exitCode === null) {
        child.kill('SIGKILL');
        await once(child, 'exit');
      }
    },
  };
}

/** A deflated zip, as `zip -r` or `wsk action create x.zip` produce, base64-encoded. */
export function zipBase64(files: Record<string, string>): string {
  const script =
    'import base64,io,json,sys,zipfile\nb=io.BytesIO()\nz=zipfile.ZipFile(b,"w",zipfile.ZIP_DEFLATED)\n' +
    'for k,v in json.load(sys.stdin).items(): z.writestr(k,v)\nz.close()\nprint(base64.b64encode(b.getvalue()).decode())';
  return execFileSync(PYTHON, ['-c', script], { input: JSON.stringify(files) })
    .toString()
    .trim();
}
