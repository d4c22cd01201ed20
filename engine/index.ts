/**
 * The engine's public API for playbook authors and for commands that run playbooks:
 * `import { definePlaybook, copy, shell } from '../engine/index.ts'`.
 */
export type { Host, HostVars, Inventory } from './inventory/types.ts';
export * from './modules/index.ts';
export * from './modules/module.ts';
export type { PlaybookRef, PlayRef, Reporter, TaskRef, TaskResult } from './output/reporter.ts';
export { PlaybookError } from './runner/errors.ts';
export * from './runner/playbook.ts';
export { exitCodeFor, type HostStats, type Recap, type TaskFailure } from './runner/recap.ts';
export { DEFAULT_FORKS, type RunOptions, runPlaybooks } from './runner/runner.ts';
export { isSecret, reveal, Secret } from './secret.ts';
