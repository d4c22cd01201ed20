/** Output conventions shared by all commands: `ok:` lines, 4-space JSON, Go-style times and durations. */

export interface Output {
  out(text: string): void;
  err(text: string): void;
}

export const stdio: Output = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

/** Recursively sorts object keys, as Go's encoder does for decoded (map) values. */
export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

export function json(value: unknown): string {
  return `${JSON.stringify(value ?? null, null, 4)}\n`;
}

/** Go's time.Duration String() for a millisecond count: 0s, 21ms, 1.5s, 2m3.004s. */
export function goDuration(ms: number): string {
  if (ms <= 0) return '0s';
  if (ms < 1000) return `${ms}ms`;
  const trim = (n: number) => n.toFixed(3).replace(/\.?0+$/, '');
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = (ms % 60_000) / 1000;
  return `${h ? `${h}h` : ''}${h || m ? `${m}m` : ''}${trim(s)}s`;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** Local `YYYY-MM-DD HH:MM:SS`. */
export function localDateTime(epochMs: number): string {
  const d = new Date(epochMs);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** Go's time.Time String() in the local zone: `2024-05-01 10:00:00 +0000 UTC`. */
export function goTime(epochMs: number): string {
  const d = new Date(Math.floor(epochMs / 1000) * 1000);
  const offset = -d.getTimezoneOffset();
  const sign = offset >= 0 ? '+' : '-';
  const zone =
    new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' })
      .formatToParts(d)
      .find((p) => p.type === 'timeZoneName')?.value ?? '';
  const abs = Math.abs(offset);
  return `${localDateTime(d.getTime())} ${sign}${pad(Math.floor(abs / 60))}${pad(abs % 60)} ${zone}`;
}

/** Upstream's middle-ellipsis truncation for table cells. */
export function truncate(s: string, max: number): string {
  if (s.length <= max) return s;
  let mid = Math.floor(max / 2);
  const upper = s.length - mid + 3;
  if (max % 2 !== 0) mid++;
  return `${s.slice(0, mid)}...${s.slice(upper)}`;
}
