/**
 * What a benchmark module returns, and the table `npm run bench` prints. A benchmark is a
 * bench/<name>.ts module exporting `run(): Promise<BenchResult>`; a row compares a measured value
 * with a baseline measured in the same run (ratio = baseline / value: "N× faster" for times).
 */

export interface BenchRow {
  metric: string;
  value: number;
  unit: string;
  /** The same metric for the baseline (e.g. Ansible), measured in the same run. */
  baseline?: number;
  /** baseline / value. */
  ratio?: number;
}

export interface BenchResult {
  name: string;
  /** What was compared with what, in one line. */
  description?: string;
  rows: BenchRow[];
  /** Set instead of rows when the benchmark cannot run here, saying why. */
  skipped?: string;
}

export interface Benchmark {
  run(args?: string[]): Promise<BenchResult>;
}

export function row(metric: string, value: number, unit: string, baseline?: number): BenchRow {
  const r: BenchRow = { metric, value, unit };
  if (baseline !== undefined) {
    r.baseline = baseline;
    if (value > 0) r.ratio = baseline / value;
  }
  return r;
}

function figure(value: number | undefined, unit = ''): string {
  if (value === undefined) return '';
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return `${value.toFixed(digits)}${unit ? ` ${unit}` : ''}`;
}

/** A plain-text table of every result, one section per benchmark. */
export function formatTable(results: BenchResult[]): string {
  const header = ['benchmark', 'metric', 'value', 'baseline', 'ratio'];
  const lines: string[][] = [];
  for (const result of results) {
    if (result.skipped) {
      lines.push([result.name, `skipped: ${result.skipped}`, '', '', '']);
      continue;
    }
    for (const r of result.rows) {
      lines.push([
        result.name,
        r.metric,
        figure(r.value, r.unit),
        figure(r.baseline, r.baseline === undefined ? '' : r.unit),
        r.ratio === undefined ? '' : `${figure(r.ratio)}×`,
      ]);
    }
  }
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? '').length)));
  const render = (cells: string[]) =>
    cells
      .map((c, i) => (i >= 2 ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [render(header), widths.map((w) => '-'.repeat(w)).join('  '), ...lines.map(render)].join('\n');
}
