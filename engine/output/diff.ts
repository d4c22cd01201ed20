/** Unified diffs for --diff and -v, one per Diff a module reported. */
import { createTwoFilesPatch } from 'diff';
import type { Diff } from '../modules/module.ts';

export function unifiedDiff(diff: Diff): string {
  const patch = createTwoFilesPatch(
    `before: ${diff.target}`,
    `after: ${diff.target}`,
    diff.before,
    diff.after,
    undefined,
    undefined,
    { context: 3 },
  );
  // Drop the "=====" separator line createTwoFilesPatch starts with; keep ---/+++ and hunks.
  return patch.replace(/^={3,}\n/, '').trimEnd();
}
