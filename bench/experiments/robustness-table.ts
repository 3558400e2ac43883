/**
 * Compact Markdown table of `spikeloop eval --suite robust --json` files: one row per env and
 * condition, success rate and mean return with their 95% intervals for each controller.
 *
 *   node bin/run-ts.mjs bench/experiments/robustness-table.ts bench/results/robustness/baseline-*.json
 */
import { readFileSync } from 'node:fs';

interface Cell {
  controller: string;
  episodes: number;
  successes: number;
  successCI: [number, number];
  meanReturn: number;
  returnCI: [number, number];
}
interface Doc {
  env: string;
  episodes: number;
  conditions: Array<{ condition: string; perturb: string; cells: Cell[] }>;
}

const short = (name: string): string =>
  name === 'teacher' ? 'teacher' : /spike-seq/.test(name) ? 'spike-seq' : /rate/.test(name) ? 'rate' : name;
const f = (c: Cell): string =>
  `${c.successes}/${c.episodes} [${c.successCI[0].toFixed(2)}, ${c.successCI[1].toFixed(2)}] · ${c.meanReturn.toFixed(1)} [${c.returnCI[0].toFixed(1)}, ${c.returnCI[1].toFixed(1)}]`;

const files = process.argv.slice(2);
if (files.length === 0) throw new Error('usage: robustness-table.ts FILE.json ...');
let header = false;
for (const file of files) {
  const doc = JSON.parse(readFileSync(file, 'utf8')) as Doc;
  const names = doc.conditions[0]!.cells.map((c) => short(c.controller));
  if (!header) {
    console.log(`| env | condition | ${names.join(' | ')} |`);
    console.log(`|---|---|${names.map(() => '---').join('|')}|`);
    header = true;
  }
  for (const c of doc.conditions) console.log(`| ${doc.env} | ${c.perturb} | ${c.cells.map(f).join(' | ')} |`);
}
