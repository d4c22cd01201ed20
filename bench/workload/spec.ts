/**
 * The benchmark's deployment, described once as data so owctl and Ansible do exactly the same
 * work: 30 tasks per host of directories, file content, controller files, templates (syntax both
 * Handlebars and Jinja2 read alike), commands guarded by `creates`, and symlinks, plus a handler
 * the templates notify. Paths are relative to each host's deploy_dir.
 */
import { fileURLToPath } from 'node:url';

export type WorkItem =
  | { kind: 'directory'; name: string; path: string }
  | { kind: 'content'; name: string; dest: string; content: string; mode: string }
  | { kind: 'file'; name: string; dest: string; src: string; mode: string }
  | { kind: 'template'; name: string; dest: string; vars: Record<string, string | number> }
  | { kind: 'command'; name: string; cmd: string; creates: string }
  | { kind: 'link'; name: string; path: string; target: string };

export const SERVICE_TEMPLATE = fileURLToPath(new URL('./templates/service.conf.hbs', import.meta.url));

export const HANDLER = { name: 'reload services', cmd: 'echo reloaded >> logs/reloads.log' };

/** Variables every host gets (group_vars for owctl, inventory vars for Ansible). */
export const WORKLOAD_VARS = { app_name: 'bench', app_version: '1.0.0' };

const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

export const WORKLOAD: WorkItem[] = [
  ...['conf', 'logs', 'data', 'bin', 'share'].map(
    (dir): WorkItem => ({ kind: 'directory', name: `directory ${dir}`, path: dir }),
  ),
  ...range(8).map(
    (i): WorkItem => ({
      kind: 'content',
      name: `environment ${i}`,
      dest: `conf/app-${i}.env`,
      content: `APP_INSTANCE=${i}\nAPP_LOG=logs/app-${i}.log\nAPP_WORKERS=${i * 2}\n`,
      mode: '0640',
    }),
  ),
  { kind: 'file', name: 'payload', dest: 'share/payload.txt', src: 'payload.txt', mode: '0644' },
  { kind: 'file', name: 'start script', dest: 'bin/start.sh', src: 'start.sh', mode: '0755' },
  ...range(8).map(
    (i): WorkItem => ({
      kind: 'template',
      name: `service ${i} config`,
      dest: `conf/service${i}.conf`,
      vars: { service: `service${i}`, port: 8000 + i },
    }),
  ),
  ...range(5).map(
    (i): WorkItem => ({
      kind: 'command',
      name: `initialise store ${i}`,
      cmd: `mkdir -p data/store${i} && echo initialised > data/store${i}/.initialised`,
      creates: `data/store${i}/.initialised`,
    }),
  ),
  { kind: 'link', name: 'current link', path: 'current', target: 'conf' },
  { kind: 'link', name: 'start link', path: 'bin/start', target: 'start.sh' },
];

/** The controller-side files `file` items copy (generated, so no large blob lives in the repo). */
export function controllerFiles(): Record<string, string> {
  const lines = range(400).map((i) => `line ${i}: ${'owctl benchmark payload '.repeat(2)}${i * 7919}`);
  return {
    'payload.txt': `${lines.join('\n')}\n`,
    'start.sh': '#!/bin/sh\n# Installed by the benchmark workload; never run.\necho "starting $1"\n',
  };
}
