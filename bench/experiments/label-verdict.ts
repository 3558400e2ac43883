/**
 * The spike-seq vs rate verdict table of bench/results/sweeps.md: for each label sweep (grid
 * `label ∈ {spike-seq, rate}`) and each named metric, both labels' mean ± std with the 95% t
 * interval over seeds, the paired difference spike-seq − rate on the same seeds with its 95%
 * interval, d_z and the paired t-test's p (the statistics of `spikeloop report`, src/sweep/report.ts),
 * and a verdict in words. The primary endpoints (marked *) also get Holm-adjusted p-values across
 * all of them, since a handful of tests at 5% would find a "difference" by chance.
 *   node bin/run-ts.mjs bench/experiments/label-verdict.ts [--family-p P,P,...] SOURCE:METRIC[*][,METRIC...] ...
 * e.g. sweeps/cartpole-labels:nominal.relScore*,perturbed.relScore*,pushes.successRate
 *
 * SOURCE is a label sweep's folder, or NAME=EVAL.json[+EVAL.json...]: the JSON of one or more
 * `spikeloop eval --suite NAME --json` runs over controllers of both labels (several
 * `--checkpoint`s per run). Each controller's label and training seed come from its
 * controller.json (`training.recipe`), so the checkpoint paths must resolve from the working
 * directory; the recipes must agree except for label and seed (an option a recipe does not record
 * counts as its default, for controllers trained before the option existed), and every file must hold the same
 * teacher results (the same suite and episodes), so that the comparison stays paired. Metrics are
 * those of a sweep cell evaluated under the suite (src/sweep/metrics.ts: `C.successRate`,
 * `C.relScore`, `perturbed.*`, ...), plus `C.finalDistance` / `C.forwardDistance` (and their
 * `perturbed.*`) when the outcome text gives one (the reacher, % of reach; the walker, m). A per-seed table of
 * every metric follows the verdict table for these sources.
 * `--family-p` adds the p-values of primary endpoints tested elsewhere (e.g. the other rows of the
 * results page) to the Holm family; they are not printed as rows.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_RECIPE } from '../../agents/recipeConfig.ts';
import { readPlan } from '../../src/sweep/layout.ts';
import { suiteMetrics, type Metrics } from '../../src/sweep/metrics.ts';
import { fmt, groupResults, pairedComparisons } from '../../src/sweep/report.ts';
import { sweepRows } from '../../src/sweep/sweepIndex.ts';
import { meanCi, pairedTTest, type MeanCi } from '../../src/report/stats.ts';

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
const familyP: number[] = [];
const fp = args.indexOf('--family-p');
if (fp >= 0) {
  const list = args.splice(fp, 2)[1] ?? '';
  for (const x of list.split(',')) {
    const p = Number(x);
    if (!(p >= 0 && p <= 1)) throw new Error(`--family-p: '${x}' is not a p-value`);
    familyP.push(p);
  }
}
if (args.length === 0) {
  console.error('usage: label-verdict.ts [--family-p P,P,...] SWEEP_DIR|NAME=EVAL.json[+EVAL.json...]:METRIC[*][,METRIC...] ...');
  process.exit(2);
}

interface SuiteDoc {
  episodes: number;
  seeds: unknown;
  suite?: string;
  checkpoints: string[];
  conditions: Array<{ condition: string; perturb: string; cells: Array<Record<string, unknown> & { controller: string }> }>;
}

interface EvalController {
  label: string;
  seed: number;
  checkpoint: string;
  metrics: Metrics;
}

/**
 * Metrics read off the outcome texts: `C.finalDistance` where they give one ('mean final distance
 * 1.73% of reach', the reacher) and `C.forwardDistance` ('mean forward distance 9.04 m', the walker,
 * whose return weighs effort against progress and so says little about walking), each with its
 * `perturbed.*` mean.
 */
function distanceMetrics(doc: SuiteDoc, k: number): Metrics {
  const out: Metrics = {};
  const kinds: Array<[string, RegExp]> = [
    ['finalDistance', /mean final distance ([0-9.]+)%/],
    ['forwardDistance', /mean forward distance (-?[0-9.]+) m/],
  ];
  for (const [name, re] of kinds) {
    const perturbed: number[] = [];
    for (const c of doc.conditions) {
      const m = re.exec(String(c.cells[k + 1]?.['outcome'] ?? ''));
      if (!m) continue;
      out[`${c.condition}.${name}`] = Number(m[1]);
      if (c.condition !== 'nominal') perturbed.push(Number(m[1]));
    }
    if (perturbed.length > 0 && perturbed.length === doc.conditions.length - 1)
      out[`perturbed.${name}`] = perturbed.reduce((a, b) => a + b, 0) / perturbed.length;
  }
  return out;
}

/** The controllers of one or more eval --suite JSON files, each with its label, seed and metrics. */
function evalControllers(files: string[]): EvalController[] {
  const out: EvalController[] = [];
  let teacher: string | undefined;
  let recipe: string | undefined;
  for (const file of files) {
    const doc = JSON.parse(readFileSync(file, 'utf8')) as SuiteDoc;
    if (!Array.isArray(doc.conditions) || !Array.isArray(doc.checkpoints))
      throw new Error(`${file}: not the JSON of spikeloop eval --suite`);
    // the teacher's results must be the same in every file: same suite, episodes and seeds
    const t = JSON.stringify([doc.suite, doc.episodes, doc.seeds, doc.conditions.map((c) => [c.condition, c.perturb, c.cells[0]])]);
    if (teacher !== undefined && t !== teacher)
      throw new Error(`${file}: the teacher's results differ from the first file's (not the same suite or episodes)`);
    teacher = t;
    doc.checkpoints.forEach((checkpoint, k) => {
      for (const c of doc.conditions)
        if (!c.cells[k + 1]?.controller.includes(checkpoint))
          throw new Error(`${file}: condition '${c.condition}' cell ${k + 1} is not ${checkpoint}`);
      const specPath = join(checkpoint, 'controller.json');
      if (!existsSync(specPath)) throw new Error(`${file}: ${specPath} not found (run from the directory the eval ran in)`);
      const spec = JSON.parse(readFileSync(specPath, 'utf8')) as { training?: { recipe?: Record<string, unknown> } };
      const r = spec.training?.recipe;
      if (!r || typeof r['label'] !== 'string' || typeof r['seed'] !== 'number')
        throw new Error(`${specPath}: no training.recipe label and seed`);
      const { label, seed, ...rest } = r;
      // an option the recipe did not record yet (a controller trained before it existed) had its default's effect
      const same = JSON.stringify(Object.fromEntries(Object.entries({ ...DEFAULT_RECIPE, ...rest }).sort(([x], [y]) => (x < y ? -1 : 1))));
      if (recipe !== undefined && same !== recipe)
        throw new Error(`${specPath}: the recipe differs from the first controller's in more than label and seed`);
      recipe = same;
      const single = { ...doc, conditions: doc.conditions.map((c) => ({ ...c, cells: [c.cells[0], c.cells[k + 1]] })) };
      out.push({
        label: label as string,
        seed: seed as number,
        checkpoint,
        metrics: { ...suiteMetrics(single as unknown as Record<string, unknown>, file), ...distanceMetrics(doc, k) },
      });
    });
  }
  return out;
}

const perSeed: string[] = [];
const rows: Row[] = [];
for (const arg of args) {
  const at = arg.lastIndexOf(':');
  if (at < 0) throw new Error(`'${arg}': give SWEEP_DIR:METRIC[,METRIC...] or NAME=EVAL.json[+...]:METRIC[,...]`);
  const source = arg.slice(0, at);
  const eq = source.indexOf('=');
  if (eq > 0) {
    const name = source.slice(0, eq);
    const controllers = evalControllers(source.slice(eq + 1).split('+'));
    const bySeed = (label: string): Map<number, EvalController> => {
      const m = new Map<number, EvalController>();
      for (const c of controllers.filter((x) => x.label === label)) {
        if (m.has(c.seed))
          throw new Error(`${name}: two ${label} controllers of seed ${c.seed} (${m.get(c.seed)!.checkpoint}, ${c.checkpoint})`);
        m.set(c.seed, c);
      }
      return m;
    };
    const ss = bySeed('spike-seq');
    const rate = bySeed('rate');
    const seeds = [...ss.keys()].filter((s) => rate.has(s)).sort((x, y) => x - y);
    const unpaired = [...ss.keys(), ...rate.keys()].filter((s) => !seeds.includes(s));
    if (unpaired.length > 0) throw new Error(`${name}: seeds ${[...new Set(unpaired)].join(', ')} have only one label`);
    const metrics = arg.slice(at + 1).split(',');
    perSeed.push(`\n${name}, per seed ${seeds.join(' / ')}:\n`, '| metric | spike-seq | rate |', '|---|---|---|');
    for (const m of metrics) {
      const primary = m.endsWith('*');
      const metric = primary ? m.slice(0, -1) : m;
      const value = (c: EvalController): number => {
        const v = c.metrics[metric];
        if (v === undefined)
          throw new Error(`${name}: ${c.checkpoint} has no metric '${metric}' (has ${Object.keys(c.metrics).join(', ')})`);
        return v;
      };
      const a = seeds.map((s) => value(ss.get(s)!));
      const b = seeds.map((s) => value(rate.get(s)!));
      const test = pairedTTest(a, b);
      rows.push({ sweep: name, metric, primary, a: meanCi(a), b: meanCi(b), pairs: test.n, diff: test.diff, dz: test.dz, p: test.p });
      const list = (xs: number[]): string => xs.map((x) => fmt(x, 3)).join(' / ');
      perSeed.push(`| ${metric} | ${list(a)} | ${list(b)} |`);
    }
    continue;
  }
  const dir = source;
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
// (--family-p: endpoints tested elsewhere join the family but print no row)
const primaries: Array<{ p: number; row?: Row }> = [
  ...rows.filter((r) => r.primary && Number.isFinite(r.p)).map((row) => ({ p: row.p, row })),
  ...familyP.map((p) => ({ p })),
].sort((x, y) => x.p - y.p);
let running = 0;
primaries.forEach((e, i) => {
  running = Math.max(running, Math.min(1, (primaries.length - i) * e.p));
  if (e.row) e.row.pHolm = running;
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
console.log(
  `\n* primary endpoint; Holm's adjustment over the ${primaries.length} primary endpoints` +
    (familyP.length > 0 ? ` (${familyP.length} of them from --family-p).` : '.'),
);
for (const line of perSeed) console.log(line);
