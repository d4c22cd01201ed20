/** Rolling updates: split a play's hosts into `serial` batches (a count or "30%"). */
import { PlaybookError } from './errors.ts';

export function batchSize(serial: number | string | undefined, hostCount: number, play: string): number {
  if (serial === undefined) return Math.max(hostCount, 1);
  let size: number;
  if (typeof serial === 'number') {
    size = serial;
  } else {
    const match = /^\s*(\d+(?:\.\d+)?)\s*(%?)\s*$/.exec(serial);
    if (!match) {
      throw new PlaybookError(
        `play "${play}": serial "${serial}" is neither a number nor a percentage; write e.g. serial: 2 or serial: "30%"`,
      );
    }
    const value = Number(match[1]);
    size = match[2] ? Math.floor((hostCount * value) / 100) : value;
  }
  if (!Number.isFinite(size) || size < 0) {
    throw new PlaybookError(`play "${play}": serial must be a positive number or percentage, got ${serial}`);
  }
  // Ansible rounds a percentage down but never below one host; 0 means "all at once".
  if (size === 0) return typeof serial === 'number' ? Math.max(hostCount, 1) : 1;
  return Math.max(1, Math.floor(size));
}

export function batches<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
