/**
 * A docker engine and a tiny image for integration tests. There is no registry here, so the test
 * image is busybox-static imported as a rootfs (`docker import`), tagged owtest/busybox:1.
 */
import { execFileSync, spawn } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { dockerClient } from '../../engine/docker/client.ts';

const SCRIPT = fileURLToPath(new URL('./dockerd.sh', import.meta.url));
export const TEST_IMAGE = 'owtest/busybox:1';
const BUSYBOX = '/bin/busybox';

/** Why no docker engine can be provided here, or undefined. */
export function dockerUnavailableReason(): string | undefined {
  if (process.getuid?.() !== 0) return 'not root: starting dockerd needs root';
  if (!existsSync('/usr/sbin/dockerd') && !existsSync('/usr/bin/dockerd'))
    return 'dockerd is missing: install docker.io';
  return undefined;
}

/** Starts the test dockerd unless an engine already answers; false (with the reason logged) if impossible. */
export async function ensureDockerd(): Promise<boolean> {
  try {
    await dockerClient().ping();
    return true;
  } catch {}
  const reason = dockerUnavailableReason();
  if (reason) {
    console.warn(`skipping docker tests: ${reason}`);
    return false;
  }
  try {
    execFileSync('bash', [SCRIPT, 'start'], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (err) {
    const stderr = (err as { stderr?: Buffer }).stderr?.toString().trim();
    throw new Error(`cannot start dockerd with ${SCRIPT} start: ${stderr || (err as Error).message}`);
  }
  await dockerClient().ping();
  return true;
}

/** Imports TEST_IMAGE (busybox with its applet links) once; returns its name. */
export async function ensureTestImage(): Promise<string> {
  const docker = dockerClient();
  try {
    await docker.getImage(TEST_IMAGE).inspect();
    return TEST_IMAGE;
  } catch {}
  if (!existsSync(BUSYBOX))
    throw new Error(`${BUSYBOX} is missing: install busybox-static (apt-get install busybox-static)`);
  const root = mkdtempSync(`${tmpdir()}/owtest-rootfs-`);
  try {
    for (const dir of ['bin', 'tmp', 'etc', 'root']) mkdirSync(`${root}/${dir}`);
    chmodSync(`${root}/tmp`, 0o1777);
    copyFileSync(BUSYBOX, `${root}/bin/busybox`);
    writeFileSync(
      `${root}/etc/passwd`,
      'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/sh\n',
    );
    writeFileSync(`${root}/etc/group`, 'root:x:0:\nnogroup:x:65534:\n');
    const applets = execFileSync(BUSYBOX, ['--list'], { encoding: 'utf8' }).split('\n').filter(Boolean);
    for (const applet of applets) if (applet !== 'busybox') symlinkSync('busybox', `${root}/bin/${applet}`);
    const tar = spawn('tar', ['-C', root, '-c', '.'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const [repo, tag] = TEST_IMAGE.split(':');
    const progress = await docker.importImage(tar.stdout, {
      repo,
      tag,
      changes: ['ENV PATH=/bin'],
    } as object);
    await new Promise<void>((resolve, reject) =>
      docker.modem.followProgress(progress, (err: Error | null) => (err ? reject(err) : resolve())),
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  return TEST_IMAGE;
}
