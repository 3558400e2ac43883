/**
 * `npm run bench [-- --quick] [-- --only name,name]`: runs every `bench/*.bench.ts` suite and prints
 * its tables. Speed goals are checked here, never in timed tests.
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { BenchSuite, BenchTable } from './types.ts';

export function formatTable(table: BenchTable): string {
  const cells = [table.columns, ...table.rows.map((r) => r.map((c) => (typeof c === 'number' ? formatNumber(c) : c)))];
  const widths = table.columns.map((_, i) => Math.max(...cells.map((r) => String(r[i] ?? '').length)));
  const line = (r: Array<string | number>) => '| ' + r.map((c, i) => String(c ?? '').padEnd(widths[i]!)).join(' | ') + ' |';
  const out = [`### ${table.title}`, '', line(cells[0]!), '|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|'];
  for (const r of cells.slice(1)) out.push(line(r));
  for (const n of table.notes ?? []) out.push('', n);
  return out.join('\n');
}

function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (Number.isInteger(x)) return String(x);
  const a = Math.abs(x);
  return a >= 100 ? x.toFixed(0) : a >= 10 ? x.toFixed(1) : a >= 1 ? x.toFixed(2) : x.toPrecision(3);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { quick: { type: 'boolean', default: false }, only: { type: 'string' } },
    allowPositionals: true,
  });
  const here = dirname(fileURLToPath(import.meta.url));
  const only = values.only?.split(',').map((s) => s.trim());
  const suites = readdirSync(here)
    .filter((f) => f.endsWith('.bench.ts'))
    .map((f) => f.slice(0, -'.bench.ts'.length))
    .filter((name) => !only || only.includes(name))
    .sort();
  console.log(`spikeloop bench — ${new Date().toISOString()} — node ${process.version}${values.quick ? ' (quick)' : ''}`);
  for (const name of suites) {
    const suite = (await import(join(here, `${name}.bench.ts`))).default as BenchSuite;
    const t0 = performance.now();
    const tables = await suite({ quick: values.quick ?? false });
    for (const t of tables) console.log('\n' + formatTable(t));
    console.log(`\n(${name}: ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
