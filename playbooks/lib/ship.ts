/**
 * Getting the platform onto a bare Linux host with only sshd: a Node.js runtime (this machine's
 * own binary, when the host has no suitable one at the expected path) and the release artifact,
 * both sent over SFTP only when the host does not already have them.
 */
import { readFile } from 'node:fs/promises';
import { arch, platform } from 'node:os';
import { join } from 'node:path';
import {
  type ArgsOf,
  call,
  type Module,
  type ModuleCall,
  type ModuleContext,
  type ModuleResult,
} from '../../engine/modules/module.ts';
import { changed, commandFailed, errorMessage, failed, ok } from '../../engine/modules/results.ts';
import { quote } from '../../engine/transports/shell.ts';
import type { Artifact } from './artifact.ts';
import { REPO_ROOT } from './paths.ts';

/** `uname -sm` of this machine, e.g. "Linux x86_64": what the shipped binaries are built for. */
export function localPlatform(): string {
  const os = { linux: 'Linux', darwin: 'Darwin' }[platform() as string] ?? platform();
  const machine = { x64: 'x86_64', arm64: 'aarch64', arm: 'armv7l', ppc64: 'ppc64le', s390x: 's390x' }[
    arch()
  ];
  return `${os} ${machine ?? arch()}`;
}

let minimum: Promise<[number, number]> | undefined;

/** The lowest Node.js version package.json's engines allow, e.g. [20, 5]. */
function minimumNodeVersion(): Promise<[number, number]> {
  minimum ??= readFile(join(REPO_ROOT, 'package.json'), 'utf8').then((text) => {
    const range = (JSON.parse(text) as { engines?: { node?: string } }).engines?.node ?? '20';
    const m = /(\d+)(?:\.(\d+))?/.exec(range);
    return [Number(m?.[1] ?? 20), Number(m?.[2] ?? 0)];
  });
  return minimum;
}

/**
 * Runs read-only probes on the host, one shell expression per key (its first output line), plus
 * the host's platform (`uname -sm`); returns the values, or the failure to report.
 */
async function probe(
  ctx: ModuleContext,
  probes: Record<string, string>,
  what: string,
): Promise<{ ok: true; values: Record<string, string> } | { ok: false; result: ModuleResult }> {
  const script = Object.entries({ ...probes, platform: 'uname -sm' })
    .map(([key, expr]) => `printf '%s=%s\\n' ${key} "$(${expr} 2>/dev/null | head -n 1)"`)
    .join('; ');
  const res = await ctx.transport.exec(script, { timeoutMs: 20_000 });
  if (res.exitCode !== 0 || res.timedOut) {
    const result = commandFailed(
      ctx,
      what,
      res,
      'check that the host has a POSIX shell, uname, tar and gzip',
    );
    return { ok: false, result };
  }
  const values: Record<string, string> = {};
  for (const line of res.stdout.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) values[line.slice(0, eq)] = line.slice(eq + 1).trim();
  }
  return { ok: true, values };
}

function platformMismatch(
  ctx: ModuleContext,
  hostPlatform: string,
  what: string,
  hint: string,
): ModuleResult {
  return failed(
    `${what} for host ${ctx.host.name}: it runs ${hostPlatform || 'an unknown platform'}, this machine ${localPlatform()}, ` +
      `so owctl cannot ship its own binaries there; ${hint}`,
  );
}

// ---------------------------------------------------------------------------------------------
// node_runtime

export interface NodeRuntimeArgs {
  /** Where the services' node is (or goes). */
  path: string;
  /** True when owctl owns the path and may install its own node there; false for a user's node_path. */
  managed: boolean;
}

let nodeBinary: Promise<Buffer> | undefined;

function suitable(version: string, min: [number, number]): boolean {
  const m = /^v(\d+)\.(\d+)\./.exec(version.trim());
  if (!m) return false;
  const [major, minor] = [Number(m[1]), Number(m[2])];
  return major > min[0] || (major === min[0] && minor >= min[1]);
}

async function runNodeRuntime(args: NodeRuntimeArgs, ctx: ModuleContext): Promise<ModuleResult> {
  const min = await minimumNodeVersion();
  const wanted = `Node.js ≥ ${min.join('.')}`;
  const found = await probe(
    ctx,
    { version: `${quote(args.path)} --version` },
    `checking ${args.path} --version`,
  );
  if (!found.ok) return found.result;
  const { version = '', platform: hostPlatform = '' } = found.values;
  if (suitable(version, min)) return ok(`${args.path} is ${version}`, { path: args.path, version });
  const have = version ? `${version}, need ${wanted}` : 'missing';
  if (!args.managed) {
    return failed(
      `node_path ${args.path} on host ${ctx.host.name} is ${have}; install ${wanted} there, or remove node_path so owctl ships its own node to deploy_dir`,
    );
  }
  if (hostPlatform !== localPlatform()) {
    return platformMismatch(
      ctx,
      hostPlatform,
      `no ${wanted} at ${args.path} (${have})`,
      `install ${wanted} on the host and set node_path to it`,
    );
  }
  const result = changed(
    `${ctx.check ? 'would ship' : 'shipped'} node ${process.version} to ${args.path} (${have})`,
    {
      path: args.path,
      version: process.version,
    },
  );
  if (ctx.check) return result;
  nodeBinary ??= readFile(process.execPath);
  try {
    await ctx.transport.writeFile(args.path, await nodeBinary, { mode: 0o755 });
  } catch (err) {
    return failed(
      `cannot write node to ${args.path} on host ${ctx.host.name}: ${errorMessage(err)}; check that the SSH user may write under deploy_dir`,
    );
  }
  return result;
}

export const nodeRuntimeModule: Module<NodeRuntimeArgs> = {
  name: 'node_runtime',
  checkMode: 'full',
  run: runNodeRuntime,
};

export function nodeRuntime(args: ArgsOf<NodeRuntimeArgs>): ModuleCall<NodeRuntimeArgs> {
  return call(nodeRuntimeModule, args);
}

// ---------------------------------------------------------------------------------------------
// release

export interface ReleaseArgs {
  /** Built lazily: a host that already has the release never makes this machine build it. */
  artifact: () => Promise<Artifact>;
  /** The id the artifact will have (cheap: a hash of the code), compared before building. */
  id: string;
  /** The folder holding one unpacked folder per release. */
  releases: string;
  /** The symlink the services run from. */
  link: string;
}

const MARKER = '.owctl-release';

/** Unpacks, marks, switches the link atomically, and keeps only the new and the previous release. */
function unpackScript(args: ReleaseArgs, tarball: string): string {
  const dir = join(args.releases, args.id);
  const partial = `${dir}.partial`;
  const q = quote;
  return [
    'set -e',
    `rm -rf ${q(partial)}`,
    `mkdir -p ${q(partial)}`,
    `tar -xzf ${q(tarball)} -C ${q(partial)}`,
    `printf '%s\\n' ${q(args.id)} > ${q(join(partial, MARKER))}`,
    `rm -f ${q(tarball)}`,
    `rm -rf ${q(dir)}`,
    `mv ${q(partial)} ${q(dir)}`,
    `prev=$(readlink ${q(args.link)} 2>/dev/null || true)`,
    // A plain folder where the link goes (an older layout) is replaced.
    `if [ -d ${q(args.link)} ] && [ ! -L ${q(args.link)} ]; then rm -rf ${q(args.link)}; fi`,
    `ln -sfn ${q(dir)} ${q(`${args.link}.new`)}`,
    `mv -T ${q(`${args.link}.new`)} ${q(args.link)}`,
    // Services not yet restarted (a rolling update) still run from the previous release.
    `for d in ${q(args.releases)}/*/; do d=\${d%/}; [ "$d" = ${q(dir)} ] || [ "$d" = "$prev" ] || rm -rf "$d"; done`,
  ].join('\n');
}

async function runRelease(args: ReleaseArgs, ctx: ModuleContext): Promise<ModuleResult> {
  const marker = join(args.link, MARKER);
  const found = await probe(ctx, { release: `cat ${quote(marker)}` }, `reading the release marker ${marker}`);
  if (!found.ok) return found.result;
  const { release: current = '', platform: hostPlatform = '' } = found.values;
  if (current === args.id) return ok(`release ${args.id} is in place`, { id: args.id });
  if (hostPlatform !== localPlatform()) {
    return platformMismatch(
      ctx,
      hostPlatform,
      `cannot ship release ${args.id}`,
      'the release carries native modules built here: deploy from a machine of the same OS and architecture',
    );
  }
  const from = current ? `replacing ${current}` : 'new';
  if (ctx.check) return changed(`would ship release ${args.id} (${from})`, { id: args.id });

  let artifact: Artifact;
  try {
    artifact = await args.artifact();
  } catch (err) {
    return failed(errorMessage(err));
  }
  const tarball = join(args.releases, `${artifact.id}.tar.gz`);
  try {
    await ctx.transport.writeFile(tarball, await readFile(artifact.file), { mode: 0o600 });
  } catch (err) {
    return failed(
      `cannot upload the release artifact to ${tarball} on host ${ctx.host.name}: ${errorMessage(err)}; ` +
        'check free space and that the SSH user may write under deploy_dir',
    );
  }
  const res = await ctx.transport.exec(unpackScript({ ...args, id: artifact.id }, tarball), {
    timeoutMs: 300_000,
  });
  if (res.exitCode !== 0 || res.timedOut) {
    return commandFailed(
      ctx,
      `unpacking release ${artifact.id} into ${args.releases}`,
      res,
      'check free space and that tar and gzip are installed on the host',
    );
  }
  return changed(`shipped release ${artifact.id} (${(artifact.bytes / 1e6).toFixed(1)} MB, ${from})`, {
    id: artifact.id,
    bytes: artifact.bytes,
  });
}

export const releaseModule: Module<ReleaseArgs> = { name: 'release', checkMode: 'full', run: runRelease };

export function release(args: ArgsOf<ReleaseArgs>): ModuleCall<ReleaseArgs> {
  return call(releaseModule, args);
}
