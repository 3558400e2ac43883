/**
 * The sweep report: per grid point (a group of cells across seeds and repeats) the mean, sample
 * standard deviation and 95% t interval of a metric; and paired comparisons between the values of
 * one grid flag with every other flag fixed, matched on (seed, repeat), with Cohen's d_z and the
 * two-sided paired t-test (src/report/stats.ts). Written as report.md plus SVG plots.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { groupsSvg, pairedSvg } from '../report/sweepPlots.ts';
import { meanCi, pairedTTest, type MeanCi, type PairedTest } from '../report/stats.ts';
import type { SweepPlan } from './layout.ts';
import { defaultMetric } from './metrics.ts';
import { pointLabel, type FlagValue } from './spec.ts';
import type { IndexRow } from './sweepIndex.ts';

export interface GroupResult {
  point: Record<string, FlagValue>;
  label: string;
  values: Array<{ seed: number; repeat: number; value: number }>;
  ci: MeanCi;
}

export interface ComparisonResult {
  /** The grid flag compared. */
  flag: string;
  a: FlagValue;
  b: FlagValue;
  /** The other grid flags, held fixed. */
  fixed: Record<string, FlagValue>;
  pairs: Array<{ seed: number; repeat: number; a: number; b: number }>;
  meanA: number;
  meanB: number;
  /** Of a − b. */
  test: PairedTest;
}

const key = (point: Record<string, FlagValue>): string => JSON.stringify(point);

/** The metric the report leads with: the spec's, else the job's default. */
export function reportMetric(plan: SweepPlan): string {
  return plan.spec.metric ?? defaultMetric(plan.spec.job, plan.spec.evaluate !== undefined, plan.spec.evaluate?.suite !== undefined);
}

/** Groups done cells by grid point (in grid order) and summarises `metric` in each. */
export function groupResults(plan: SweepPlan, rows: readonly IndexRow[], metric: string): GroupResult[] {
  const groups = new Map<string, GroupResult>();
  for (const cell of plan.cells) {
    const k = key(cell.point);
    if (!groups.has(k)) groups.set(k, { point: cell.point, label: pointLabel(cell.point), values: [], ci: meanCi([]) });
  }
  for (const r of rows) {
    const v = r.metrics?.[metric];
    if (r.status === 'done' && v !== undefined) groups.get(key(r.point))?.values.push({ seed: r.seed, repeat: r.repeat, value: v });
  }
  for (const g of groups.values()) g.ci = meanCi(g.values.map((v) => v.value));
  return [...groups.values()];
}

/** Every pair of values of every grid flag, other flags fixed, matched on (seed, repeat). */
export function pairedComparisons(plan: SweepPlan, groups: readonly GroupResult[]): ComparisonResult[] {
  const byPoint = new Map(groups.map((g) => [key(g.point), g]));
  const out: ComparisonResult[] = [];
  for (const [flag, values] of Object.entries(plan.spec.grid)) {
    if (values.length < 2) continue;
    const contexts = new Map<string, Record<string, FlagValue>>();
    for (const g of groups) {
      const { [flag]: _dropped, ...fixed } = g.point;
      contexts.set(key(fixed), fixed);
    }
    for (const fixed of contexts.values()) {
      for (let i = 0; i < values.length; i++) {
        for (let j = i + 1; j < values.length; j++) {
          const ga = byPoint.get(key(Object.fromEntries(Object.keys(plan.spec.grid).map((k) => [k, k === flag ? values[i]! : fixed[k]!]))));
          const gb = byPoint.get(key(Object.fromEntries(Object.keys(plan.spec.grid).map((k) => [k, k === flag ? values[j]! : fixed[k]!]))));
          if (!ga || !gb) continue;
          const bOf = new Map(gb.values.map((v) => [`${v.seed}/${v.repeat}`, v.value]));
          const pairs = ga.values
            .filter((v) => bOf.has(`${v.seed}/${v.repeat}`))
            .map((v) => ({ seed: v.seed, repeat: v.repeat, a: v.value, b: bOf.get(`${v.seed}/${v.repeat}`)! }));
          const a = pairs.map((p) => p.a);
          const b = pairs.map((p) => p.b);
          out.push({
            flag,
            a: values[i]!,
            b: values[j]!,
            fixed,
            pairs,
            meanA: meanCi(a).mean,
            meanB: meanCi(b).mean,
            test: pairedTTest(a, b),
          });
        }
      }
    }
  }
  return out;
}

/** Significant figures for tables; integers stay integers. */
export function fmt(x: number, digits = 4): string {
  if (Number.isNaN(x)) return '–';
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '−∞';
  if (Number.isInteger(x) && Math.abs(x) < 1e9) return String(x);
  return String(Number(x.toPrecision(digits)));
}

const fmtP = (p: number): string => (Number.isNaN(p) ? '–' : p === 0 ? '0' : p < 1e-4 ? p.toExponential(1) : p.toFixed(4));

function groupsTable(groups: readonly GroupResult[]): string[] {
  const lines = ['| grid point | n | mean | std | 95% CI | values (seed: value) |', '|---|---|---|---|---|---|'];
  for (const g of groups) {
    const ci = Number.isFinite(g.ci.lo) ? `[${fmt(g.ci.lo)}, ${fmt(g.ci.hi)}]` : '–';
    const vals = g.values.map((v) => `${v.seed}${v.repeat ? `.${v.repeat}` : ''}: ${fmt(v.value)}`).join(', ');
    lines.push(`| ${g.label} | ${g.ci.n} | ${fmt(g.ci.mean)} | ${fmt(g.ci.std)} | ${ci} | ${vals} |`);
  }
  return lines;
}

function comparisonsTable(cs: readonly ComparisonResult[]): string[] {
  const lines = [
    '| A vs B | fixed | pairs | mean A | mean B | mean A−B | 95% CI of A−B | d_z | t (df) | p |',
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const c of cs) {
    const d = c.test.diff;
    const ci = Number.isFinite(d.lo) ? `[${fmt(d.lo)}, ${fmt(d.hi)}]` : '–';
    lines.push(
      `| ${c.flag}=${String(c.a)} vs ${String(c.b)} | ${pointLabel(c.fixed)} | ${c.test.n} | ${fmt(c.meanA)} | ${fmt(c.meanB)} | ${fmt(d.mean)} | ${ci} | ${fmt(c.test.dz, 3)} | ${fmt(c.test.t, 3)} (${c.test.df}) | ${fmtP(c.test.p)} |`,
    );
  }
  return lines;
}

function otherMetricsTable(plan: SweepPlan, rows: readonly IndexRow[], metrics: readonly string[]): string[] {
  const lines = [`| grid point | ${metrics.join(' | ')} |`, `|---|${metrics.map(() => '---|').join('')}`];
  const perMetric = metrics.map((m) => groupResults(plan, rows, m));
  perMetric[0]?.forEach((g, i) => {
    const cells = perMetric.map((gs) => {
      const ci = gs[i]!.ci;
      return Number.isFinite(ci.lo) ? `${fmt(ci.mean)} ± ${fmt((ci.hi - ci.lo) / 2, 2)}` : fmt(ci.mean);
    });
    lines.push(`| ${g.label} | ${cells.join(' | ')} |`);
  });
  return lines;
}

export interface SweepReport {
  metric: string;
  groups: GroupResult[];
  comparisons: ComparisonResult[];
  markdown: string;
  /** File name → SVG text. */
  plots: Record<string, string>;
}

const safe = (s: string): string => s.replace(/[^A-Za-z0-9._-]+/g, '_');

/** Builds the report of a sweep's rows for `metric`. */
export function buildSweepReport(plan: SweepPlan, rows: readonly IndexRow[], metric = reportMetric(plan)): SweepReport {
  const done = rows.filter((r) => r.status === 'done');
  const metrics = [...new Set(done.flatMap((r) => Object.keys(r.metrics ?? {})))];
  if (done.length && !metrics.includes(metric))
    throw new Error(`metric '${metric}' is not among the cells' metrics (${metrics.join(', ')})`);
  const groups = groupResults(plan, rows, metric);
  const comparisons = pairedComparisons(plan, groups);
  const plots: Record<string, string> = {
    [`${safe(metric)}.svg`]: groupsSvg(
      groups.map((g) => ({
        label: Object.entries(g.point).map(([k, v]) => `${k}=${String(v)}`),
        values: g.values.map((v) => v.value),
        ci: g.ci,
      })),
      metric,
      `${plan.spec.name}: ${metric} per grid point`,
    ),
  };
  comparisons.forEach((c, i) => {
    const title = `${c.flag}: ${String(c.a)} vs ${String(c.b)}${Object.keys(c.fixed).length ? ` (${pointLabel(c.fixed)})` : ''}`;
    plots[`paired-${i + 1}-${safe(c.flag)}.svg`] = pairedSvg(
      {
        aLabel: String(c.a),
        bLabel: String(c.b),
        pairs: c.pairs.map((p) => ({ label: `seed ${p.seed}${p.repeat ? `.${p.repeat}` : ''}`, ...p })),
      },
      metric,
      title,
    );
  });
  const s = plan.spec;
  const md = [
    `# Sweep report: ${s.name}`,
    '',
    `Job \`spikeloop ${[s.job, ...s.positionals].join(' ')}\` with ${
      Object.entries(s.args)
        .map(([k, v]) => `--${k} ${String(v)}`)
        .join(' ') || 'no fixed flags'
    }${s.evaluate ? `; each controller evaluated on ${s.evaluate.episodes} episodes from seed ${s.evaluate.seed}` : ''}.`,
    `Grid: ${
      Object.entries(s.grid)
        .map(([k, v]) => `${k} ∈ {${v.map(String).join(', ')}}`)
        .join(', ') || 'none'
    }; seeds ${s.seeds.join(', ')}; ${s.repeats} repeat(s).`,
    `Cells: ${done.length}/${rows.length} done${rows.some((r) => r.status === 'failed') ? `, ${rows.filter((r) => r.status === 'failed').length} failed` : ''}.`,
    '',
    `## ${metric} per grid point`,
    '',
    'Mean, sample standard deviation (n − 1) and the 95% confidence interval of the mean from the t-distribution.',
    '',
    ...groupsTable(groups),
    '',
    `![${metric}](${safe(metric)}.svg)`,
    '',
  ];
  if (comparisons.length) {
    md.push(
      '## Paired comparisons (same seeds)',
      '',
      'A − B on each (seed, repeat) that both finished; d_z = mean(A − B) / sd(A − B) (Cohen); p: two-sided paired t-test.',
      '',
      ...comparisonsTable(comparisons),
      '',
    );
    comparisons.forEach((c, i) => md.push(`![${c.flag} ${String(c.a)} vs ${String(c.b)}](paired-${i + 1}-${safe(c.flag)}.svg)`));
    md.push('');
  }
  const others = metrics.filter((m) => m !== metric);
  if (others.length) md.push('## All metrics (mean ± 95% CI half-width)', '', ...otherMetricsTable(plan, rows, others), '');
  return { metric, groups, comparisons, markdown: `${md.join('\n')}\n`, plots };
}

export function writeSweepReport(outDir: string, report: SweepReport): void {
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'report.md'), report.markdown);
  for (const [name, svg] of Object.entries(report.plots)) writeFileSync(join(outDir, name), svg);
}
