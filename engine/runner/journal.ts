/**
 * The run journal: handlers that were notified but have not run yet. Ansible forgets them when a
 * run fails after a change (the config changed, the service never restarted); owctl writes each
 * notification here first and runs the pending ones at the end of the same play next time.
 * One JSON file per environment, replaced atomically (temp file + rename) on every change.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { PlaybookError } from './errors.ts';

export interface PendingHandler {
  playbook: string;
  play: string;
  host: string;
  handler: string;
  notifiedAt: string;
}

interface JournalFile {
  version: 1;
  pending: PendingHandler[];
}

const same = (a: Omit<PendingHandler, 'notifiedAt'>, b: Omit<PendingHandler, 'notifiedAt'>) =>
  a.playbook === b.playbook && a.play === b.play && a.host === b.host && a.handler === b.handler;

export class RunJournal {
  private pending: PendingHandler[] = [];
  private writes: Promise<void> = Promise.resolve();

  /** `path` undefined keeps the journal in memory only; `readOnly` (check mode) never writes. */
  private constructor(
    readonly path: string | undefined,
    private readonly readOnly: boolean,
  ) {}

  static async open(path: string | undefined, options: { readOnly?: boolean } = {}): Promise<RunJournal> {
    const journal = new RunJournal(path, options.readOnly ?? false);
    if (path) journal.pending = await readJournal(path);
    return journal;
  }

  pendingFor(playbook: string, play: string, host: string): PendingHandler[] {
    return this.pending.filter((p) => p.playbook === playbook && p.play === play && p.host === host);
  }

  async notify(entry: Omit<PendingHandler, 'notifiedAt'>): Promise<void> {
    if (this.pending.some((p) => same(p, entry))) return;
    this.pending.push({ ...entry, notifiedAt: new Date().toISOString() });
    await this.save();
  }

  async done(entry: Omit<PendingHandler, 'notifiedAt'>): Promise<void> {
    const before = this.pending.length;
    this.pending = this.pending.filter((p) => !same(p, entry));
    if (this.pending.length !== before) await this.save();
  }

  /** Writes are serialized so concurrent hosts never interleave two renames. */
  private save(): Promise<void> {
    const { path } = this;
    if (!path || this.readOnly) return Promise.resolve();
    const snapshot: JournalFile = { version: 1, pending: [...this.pending] };
    this.writes = this.writes.then(() => writeAtomically(path, `${JSON.stringify(snapshot, null, 2)}\n`));
    return this.writes;
  }
}

async function readJournal(path: string): Promise<PendingHandler[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  try {
    const parsed = JSON.parse(text) as Partial<JournalFile>;
    if (!Array.isArray(parsed.pending)) throw new Error('"pending" is not a list');
    return parsed.pending;
  } catch (err) {
    throw new PlaybookError(
      `run journal ${path} is not valid (${(err as Error).message}); it lists handlers still to run — ` +
        'fix or delete it (deleting forgets those handlers)',
    );
  }
}

async function writeAtomically(path: string, content: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, content, { mode: 0o600 });
  await rename(temp, path);
}
