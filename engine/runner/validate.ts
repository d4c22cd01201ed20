/** Checks a playbook's structure before anything runs, so a typo fails fast and says where. */
import { batchSize } from './batches.ts';
import { PlaybookError } from './errors.ts';
import type { Playbook } from './playbook.ts';

/** A notify naming no handler, a malformed serial, a task whose `run` is not a module call. */
export function validatePlaybook(playbook: Playbook): void {
  if (!playbook || !Array.isArray(playbook.plays)) {
    throw new PlaybookError(
      `playbook "${playbook?.name}" has no "plays" list; build it with definePlaybook()`,
    );
  }
  for (const play of playbook.plays) {
    const where = `playbook "${playbook.name}", play "${play.name}"`;
    if (typeof play.hosts !== 'string' || play.hosts === '') {
      throw new PlaybookError(`${where}: "hosts" must be a host pattern such as "all" or "controllers"`);
    }
    batchSize(play.serial, 1, play.name);
    const handlers = new Set((play.handlers ?? []).map((h) => h.name));
    for (const task of [...play.tasks, ...(play.handlers ?? [])]) {
      if (!task.run?.module || typeof task.run.module.run !== 'function') {
        throw new PlaybookError(
          `${where}, task "${task.name}": "run" is not a module call; use a module factory such as command({...})`,
        );
      }
    }
    for (const task of play.tasks) {
      for (const name of task.notify ?? []) {
        if (!handlers.has(name)) {
          throw new PlaybookError(
            `${where}, task "${task.name}" notifies handler "${name}", but the play has no handler of that name ` +
              `(handlers: ${[...handlers].join(', ') || 'none'})`,
          );
        }
      }
    }
  }
}
