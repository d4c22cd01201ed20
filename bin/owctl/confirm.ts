/** Asking before destroying data: the one place owctl does it. */
import { createInterface } from 'node:readline/promises';
import { UsageError } from './errors.ts';

/** Destroying data needs the user's word: --yes, or typing the environment's name on a terminal. */
export async function confirmDestruction(env: string, what: string, yes?: boolean): Promise<void> {
  if (yes) return;
  if (!process.stdin.isTTY) {
    throw new UsageError(
      `${what} in environment ${env} destroys data; pass --yes to confirm (no terminal to ask on)`,
    );
  }
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  const answer = await rl.question(
    `${what} in environment "${env}" destroys data. Type the environment name to go on: `,
  );
  rl.close();
  if (answer.trim() !== env) throw new UsageError('not confirmed; nothing was changed');
}
