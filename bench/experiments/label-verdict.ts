/**
 * The spike-seq vs rate verdict table of bench/results/sweeps.md: for each label sweep (grid
 * `label ∈ {spike-seq, rate}`) and each named metric, both labels' mean ± std with the 95% t
 * interval over seeds, the paired difference spike-seq − rate on the same seeds with its 95%
 * interval, d_z and the paired t-test's p (the statistics of `spikeloop report`, src/sweep/report.ts),
 * and a verdict in words. The primary endpoints (marked *) also get Holm-adjusted p-values across
 * all of them, since a handful of tests at 5% would find a "difference" by chance.
 *   node bin/run-ts.mjs bench/experiments/label-verdict.ts SWEEP_DIR:METRIC[*][,METRIC...] ...
 * e.g. sweeps/cartpole-labels:nominal.relScore*,perturbed.relScore*,pushes.successRate
 */
import { readPlan } from '../../src/sweep/layout.ts';
import { fmt, groupResults, pairedComparisons } from '../../src/sweep/report.ts';
import { sweepRows } from '../../src/sweep/sweepIndex.ts';
import type { MeanCi } from '../../src/report/stats.ts';

interface Row {
  sweep: string;
  metric: string;
  primary: boolean;
  a: MeanCi;
  b: MeanCi;
  pairs: number;
  diff: MeanCi;
  dz: number;
  p: number;
  pHolm?: number;
}

const args = process.argv.slice(2);
if (args.length === 0) {
  console.error('usage: label-verdict.ts SWEEP_DIR:METRIC[*][,METRIC...] ...');
  process.exit(2);
}

const rows: Row[] = [];
for (const arg of args) {
  const at = arg.lastIndexOf(':');
  if (at < 0) throw new Error(`'${arg}': give SWEEP_DIR:METRIC[,METRIC...]`);
  const dir = arg.slice(0, at);
  const plan = readPlan(dir);
  const labels = plan.spec.grid['label'];
  if (!labels || labels.length !== 2 || labels[0] !== 'spike-seq' || labels[1] !== 'rate')
    throw new Error(`${dir}: the grid must be label ∈ {spike-seq, rate} (got ${JSON.stringify(labels)})`);
  const index = sweepRows(dir, plan);
  for (const m of arg.slice(at + 1).split(',')) {
    const primary = m.endsWith('*');
    const metric = primary ? m.slice(0, -1) : m;
    const groups = groupResults(plan, index, metric);
    const [cmp] = pairedComparisons(plan, groups);
    if (!cmp) throw new Error(`${dir}: no spike-seq/rate comparison for ${metric}`);
    rows.push({
      sweep: plan.spec.name,
      metric,
      primary,
      a: groups[0]!.ci,
      b: groups[1]!.ci,
      pairs: cmp.test.n,
      diff: cmp.test.diff,
      dz: cmp.test.dz,
      p: cmp.test.p,
    });
  }
}

// Holm's step-down adjustment over the primary endpoints (family-wise error 5%)
const primaries = rows.filter((r) => r.primary && Number.isFinite(r.p)).sort((x, y) => x.p - y.p);
let running = 0;
primaries.forEach((r, i) => {
  running = Math.max(running, Math.min(1, (primaries.length - i) * r.p));
  r.pHolm = running;
});

const ci = (c: MeanCi): string => (Number.isFinite(c.lo) ? `[${fmt(c.lo, 3)}, ${fmt(c.hi, 3)}]` : '–');
const cell = (c: MeanCi): string => `${fmt(c.mean, 3)} ± ${fmt(c.std, 2)} ${ci(c)}`;
const fmtP = (p: number | undefined): string => (p === undefined || Number.isNaN(p) ? '–' : p < 1e-4 ? p.toExponential(1) : p.toFixed(3));

function verdict(r: Row): string {
  if (r.pairs < 2) return `not testable (${r.pairs} pair)`;
  if (r.diff.std === 0 && r.diff.mean === 0) return 'identical on every seed';
  const p = r.pHolm ?? r.p;
  if (p >= 0.05) return `no detectable difference at n=${r.pairs}`;
  const better = r.diff.mean > 0 ? 'spike-seq' : 'rate';
  return `${better} higher${r.pHolm !== undefined ? ' (Holm)' : ' (unadjusted)'}`;
}

console.log(
  '| sweep | metric | spike-seq: mean ± std [95% CI] | rate: mean ± std [95% CI] | pairs | spike-seq − rate [95% CI] | d_z | p | p (Holm) | verdict |',
);
console.log('|---|---|---|---|---|---|---|---|---|---|');
for (const r of rows)
  console.log(
    `| ${r.sweep} | ${r.metric}${r.primary ? ' *' : ''} | ${cell(r.a)} | ${cell(r.b)} | ${r.pairs} | ${fmt(r.diff.mean, 3)} ${ci(r.diff)} | ${fmt(r.dz, 3)} | ${fmtP(r.p)} | ${fmtP(r.pHolm)} | ${verdict(r)} |`,
  );
console.log(`\n* primary endpoint; Holm's adjustment over the ${primaries.length} primary endpoints.`);
