/**
 * The same workload as an Ansible playbook (YAML text), task for task, so ansible-playbook does
 * what bench/workload/playbook.ts does. No fact gathering: owctl gathers none either.
 */
import { stringify } from 'yaml';
import { HANDLER, SERVICE_TEMPLATE, WORKLOAD, type WorkItem } from './spec.ts';

const under = (path: string) => `{{ deploy_dir }}/${path}`;

function ansibleTask(item: WorkItem): Record<string, unknown> {
  switch (item.kind) {
    case 'directory':
      return { name: item.name, file: { path: under(item.path), state: 'directory' } };
    case 'content':
      return { name: item.name, copy: { dest: under(item.dest), content: item.content, mode: item.mode } };
    case 'file':
      return {
        name: item.name,
        copy: { dest: under(item.dest), src: `{{ bench_files_dir }}/${item.src}`, mode: item.mode },
      };
    case 'template':
      return {
        name: item.name,
        template: { src: SERVICE_TEMPLATE, dest: under(item.dest) },
        vars: item.vars,
        notify: HANDLER.name,
      };
    case 'command':
      return {
        name: item.name,
        shell: { cmd: item.cmd, chdir: '{{ deploy_dir }}', creates: under(item.creates) },
      };
    case 'link':
      return { name: item.name, file: { path: under(item.path), state: 'link', src: item.target } };
  }
}

export function ansiblePlaybookYaml(): string {
  return stringify([
    {
      name: 'deploy the benchmark workload',
      hosts: 'app',
      gather_facts: false,
      tasks: WORKLOAD.map(ansibleTask),
      handlers: [{ name: HANDLER.name, shell: { cmd: HANDLER.cmd, chdir: '{{ deploy_dir }}' } }],
    },
  ]);
}
