/**
 * The resolved environment: an Ansible-compatible inventory plus merged, validated variables.
 * Produced by engine/inventory (loadEnvironment), consumed by the runner and the playbooks.
 */
import type { OwConfig } from './schema.ts';

/** Where a variable's value came from, for `owctl inventory --explain HOST VAR`. */
export interface VarOrigin {
  /** e.g. "defaults", "environments/local/group_vars/all.yml", "-e", "env OW_DB_HOST" */
  source: string;
  value: unknown;
}

export interface ConnectionVars {
  ansible_host: string;
  ansible_port?: number;
  ansible_user?: string;
  ansible_connection: 'local' | 'ssh' | 'docker';
  ansible_ssh_private_key_file?: string;
  ansible_become?: boolean;
  ansible_ssh_extra_args?: string;
  /** Where owctl puts files on that host (default /opt/owctl). */
  deploy_dir: string;
}

/** One host with its fully merged, validated variables. */
export interface Host {
  name: string;
  /** Groups the host is in, directly or through children; always includes "all". */
  groups: string[];
  vars: HostVars;
}

export type HostVars = OwConfig & ConnectionVars & Record<string, unknown>;

export interface Inventory {
  /** Environment name (folder basename) and absolute folder path. */
  name: string;
  dir: string;
  hosts: Map<string, Host>;
  /** group name -> host names (children expanded), including "all" and "ungrouped". */
  groups: Map<string, string[]>;
  /** group name -> direct child group names. */
  children: Map<string, string[]>;
  /** Host names matching an Ansible host pattern ("all", "controllers", "a:b", "!x", "host1"). */
  match(pattern: string): string[];
  /** Why a host's variable has its value: every layer that set it, lowest precedence first. */
  explain(host: string, path: string): VarOrigin[];
}
