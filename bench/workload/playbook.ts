/**
 * The benchmark workload as an owctl playbook (`owctl playbook bench/workload/playbook.ts`).
 * Hosts need deploy_dir and bench_files_dir (where controllerFiles() were written).
 */
import {
  copy,
  definePlaybook,
  file,
  type ModuleContext,
  shell,
  type Task,
  template,
} from '../../engine/index.ts';
import { HANDLER, SERVICE_TEMPLATE, WORKLOAD, type WorkItem } from './spec.ts';

const under = (ctx: ModuleContext, path: string) => `${String(ctx.host.vars.deploy_dir)}/${path}`;

function moduleCall(item: WorkItem): Task['run'] {
  switch (item.kind) {
    case 'directory':
      return file((ctx) => ({ path: under(ctx, item.path), state: 'directory' }));
    case 'content':
      return copy((ctx) => ({
        dest: under(ctx, item.dest),
        content: item.content,
        mode: item.mode,
      }));
    case 'file':
      return copy((ctx) => ({
        dest: under(ctx, item.dest),
        src: `${String(ctx.host.vars.bench_files_dir)}/${item.src}`,
        mode: item.mode,
      }));
    case 'template':
      return template((ctx) => ({
        src: SERVICE_TEMPLATE,
        dest: under(ctx, item.dest),
        vars: { ...item.vars, inventory_hostname: ctx.host.name },
      }));
    case 'command':
      return shell((ctx) => ({
        cmd: item.cmd,
        chdir: String(ctx.host.vars.deploy_dir),
        creates: under(ctx, item.creates),
      }));
    case 'link':
      return file((ctx) => ({ path: under(ctx, item.path), state: 'link', src: item.target }));
  }
}

const tasks: Task[] = WORKLOAD.map((item) => ({
  name: item.name,
  run: moduleCall(item),
  notify: item.kind === 'template' ? [HANDLER.name] : undefined,
}));

export default definePlaybook({
  name: 'bench-workload',
  description: 'the Ansible comparison workload: files, templates, guarded commands, links',
  plays: [
    {
      name: 'deploy the benchmark workload',
      hosts: 'app',
      tasks,
      handlers: [
        {
          name: HANDLER.name,
          run: shell((ctx) => ({ cmd: HANDLER.cmd, chdir: String(ctx.host.vars.deploy_dir) })),
        },
      ],
    },
  ],
});
