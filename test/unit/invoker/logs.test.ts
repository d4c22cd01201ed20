import { describe, expect, it } from 'vitest';
import { ACTIVATION_SENTINEL, LogCollector, truncationMessage } from '../../../services/invoker/logs.ts';

const strip = (lines: string[]) => lines.map((l) => l.replace(/^\S+ /, ''));
const END = `${ACTIVATION_SENTINEL}\n`;

describe('LogCollector', () => {
  it('cuts each activation at the sentinels and joins lines split across chunks', async () => {
    const c = new LogCollector();
    c.push('stdout', 'hel');
    c.push('stdout', `lo\n${END}next `);
    c.push('stderr', `oops\n${END}`);
    expect(strip(await c.take({ limitBytes: 1024, waitForSentinel: true }))).toEqual([
      'stdout: hello',
      'stderr: oops',
    ]);
    c.push('stdout', `activation\n${END}`);
    c.push('stderr', END);
    expect(strip(await c.take({ limitBytes: 1024, waitForSentinel: true }))).toEqual([
      'stdout: next activation',
    ]);
  });

  it('ends a last line written without a newline at the sentinel', async () => {
    const c = new LogCollector();
    c.push('stdout', `no newline${END}`);
    c.push('stderr', END);
    expect(strip(await c.take({ limitBytes: 1024, waitForSentinel: true, graceMs: 1000 }))).toEqual([
      'stdout: no newline',
    ]);
  });

  it('waits for the sentinel of the slower stream', async () => {
    const c = new LogCollector();
    c.push('stdout', `a\n${END}`);
    const taken = c.take({ limitBytes: 1024, waitForSentinel: true });
    setTimeout(() => c.push('stderr', `b\n${END}`), 20);
    expect(strip(await taken)).toEqual(['stdout: a', 'stderr: b']);
  });

  it('returns what arrived when the streams end without a sentinel', async () => {
    const c = new LogCollector();
    c.push('stdout', 'partial line without newline');
    c.end();
    expect(strip(await c.take({ limitBytes: 1024, waitForSentinel: true }))).toEqual([
      'stdout: partial line without newline',
    ]);
  });

  it('gives up after the grace period', async () => {
    const c = new LogCollector();
    c.push('stdout', 'x\n');
    const started = Date.now();
    expect(strip(await c.take({ limitBytes: 1024, waitForSentinel: true, graceMs: 50 }))).toEqual([
      'stdout: x',
    ]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
  });

  it('truncates at the limit, counting each line with its newline', async () => {
    const c = new LogCollector();
    c.push('stdout', `1234\n5678\nabcd\n${END}`);
    c.push('stderr', END);
    expect(strip(await c.take({ limitBytes: 10, waitForSentinel: true }))).toEqual([
      'stdout: 1234',
      'stdout: 5678',
      `stderr: ${truncationMessage(10)}`,
    ]);
    expect(truncationMessage(10)).toBe(
      'Logs were truncated because the total bytes size exceeds the limit of 10 bytes.',
    );
  });
});
