/**
 * Layers shared by owctl's images, gathered from this machine: a minimal root filesystem with
 * busybox, the node binary with its libraries, Python with its standard library.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { basename } from 'node:path';
import { layer } from '../engine/images/recipe.ts';
import { LayerFiles, sharedLibraries } from '../engine/images/rootfs.ts';

const BUSYBOX = '/bin/busybox';

/** /etc basics, /tmp, merged-/usr links and busybox as /bin/sh and friends. */
export const osLayer = layer('os', async () => {
  if (!existsSync(BUSYBOX)) {
    throw new Error(`${BUSYBOX} is missing: install busybox-static (apt-get install busybox-static)`);
  }
  const files = new LayerFiles()
    .dir('/usr/bin')
    .dir('/usr/lib')
    .dir('/usr/lib64')
    .symlink('/bin', 'usr/bin')
    .symlink('/sbin', 'usr/bin')
    .symlink('/lib', 'usr/lib')
    .symlink('/lib64', 'usr/lib64')
    .dir('/tmp', 0o1777)
    .dir('/root', 0o700)
    .dir('/etc')
    .content(
      '/etc/passwd',
      'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/sh\n',
    )
    .content('/etc/group', 'root:x:0:\nnogroup:x:65534:\n')
    .content('/etc/nsswitch.conf', 'passwd: files\ngroup: files\nhosts: files dns\n')
    .file(BUSYBOX, '/usr/bin/busybox', 0o755);
  const applets = execFileSync(BUSYBOX, ['--list'], { encoding: 'utf8' }).split('\n').filter(Boolean);
  for (const applet of applets) {
    if (applet !== 'busybox') files.symlink(`/usr/bin/${applet}`, 'busybox');
  }
  return files;
});

/** The node binary that runs owctl, as /usr/bin/node, with its shared libraries. */
export const nodeLayer = layer('node', async () => {
  const files = new LayerFiles().file(realpathSync(process.execPath), '/usr/bin/node', 0o755);
  for (const lib of await sharedLibraries([process.execPath])) files.file(lib);
  return files;
});

/** Parts of the standard library an action never needs (tests, the static library, installers). */
const PYTHON_SKIP =
  /^(test|idlelib|tkinter|turtledemo|ensurepip|lib2to3|config-[^/]+|pydoc_data)(\/|$)|(^|\/)tests?\//;

/** Debian's python3 with its standard library and the libraries its extension modules load. */
export const pythonLayer = layer('python', async () => {
  const python = realpathSync('/usr/bin/python3');
  const version = /^python(\d+\.\d+)$/.exec(basename(python))?.[1];
  if (!version || !existsSync(`/usr/lib/python${version}`)) {
    throw new Error(
      `/usr/bin/python3 (${python}) has no /usr/lib/python${version}; install python3 (Debian's)`,
    );
  }
  const stdlib = `/usr/lib/python${version}`;
  const files = new LayerFiles()
    .file(python, `/usr/bin/python${version}`, 0o755)
    .symlink('/usr/bin/python3', `python${version}`)
    .symlink('/usr/bin/python', `python${version}`)
    .tree(stdlib, stdlib, (p) => PYTHON_SKIP.test(p));
  const dynload = files
    .list()
    .filter((e) => e.type === 'file' && e.path.startsWith(`usr/lib/python${version}/lib-dynload/`))
    .map((e) => `/${e.path}`);
  for (const lib of await sharedLibraries([python, ...dynload])) files.file(lib);
  return files;
});
