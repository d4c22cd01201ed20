/**
 * `npm run bench [-- NAME…]`: runs every benchmark module bench/<name>.ts (each exports
 * `run(): Promise<BenchResult>`), or only the named ones, one after another, and prints one table.
 * Helpers live in subfolders, so any new top-level .ts file here is a benchmark.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type Benchmark, type BenchResult, formatTable } from './support/report.ts';

const BENCH_DIR = fileURLToPath(new URL('./', import.meta.url));

function available(): string[] {
  return readdirSync(BENCH_DIR)
    .filter((f) => f.endsWith('.ts') && f !== 'index.ts')
    .map((f) => f.slice(0, -3))
    .sort();
}

async function load(name: string): Promise<Benchmark> {
  const mod = (await import(pathToFileURL(`${BENCH_DIR}${name}.ts`).href)) as Partial<Benchmark>;
  if (typeof mod.run !== 'function') {
    throw new Error(`bench/${name}.ts exports no run(); a benchmark exports run(): Promise<BenchResult>`);
  }
  return mod as Benchmark;
}

async function main(argv: string[]): Promise<number> {
  const all = available();
  const unknown = argv.filter((n) => !all.includes(n));
  if (unknown.length) {
    process.stderr.write(`bench: no benchmark named ${unknown.join(', ')}; available: ${all.join(', ')}\n`);
    return 1;
  }
  const names = argv.length ? argv : all;
  const results: BenchResult[] = [];
  let failures = 0;
  for (const name of names) {
    process.stderr.write(`bench: running ${name}…\n`);
    try {
      results.push(await (await load(name)).run());
    } catch (err) {
      failures++;
      process.stderr.write(`bench: ${name} failed: ${(err as Error).message}\n`);
      results.push({ name, rows: [], skipped: `failed (${(err as Error).message.split('\n')[0]})` });
    }
  }
  for (const r of results) if (r.description) process.stdout.write(`${r.name}: ${r.description}\n`);
  process.stdout.write(`\n${formatTable(results)}\n`);
  return failures ? 1 : 0;
}

process.exitCode = await main(process.argv.slice(2));
