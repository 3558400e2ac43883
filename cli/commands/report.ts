/**
 * `spikeloop report SWEEP_DIR`: statistics of a sweep (per grid point mean, std, 95% CI; paired
 * comparisons on the same seeds with d_z and p) as report.md plus SVG plots.
 */
import { join } from 'node:path';
import { readPlan } from '../../src/sweep/layout.ts';
import { buildSweepReport, reportMetric, writeSweepReport } from '../../src/sweep/report.ts';
import { writeSweepIndex } from '../../src/sweep/sweepIndex.ts';
import { parseCommandWithArgument } from '../options.ts';

export const summary = 'statistics of a sweep folder: mean/std/95% CI per grid point, paired seed comparisons, markdown + SVG';

const HELP = `usage: spikeloop report SWEEP_DIR [options]

  --metric NAME         the metric to analyse (default: the spec's "metric", else the job's main one:
                        train-controller: metric (evaluated) or trainScore, bench: testAccuracy, eval: metric)
  --out DIR             where report.md and the SVGs go (default SWEEP_DIR/report)
  -h, --help            this text`;

export async function run(argv: string[]): Promise<number> {
  const parsed = parseCommandWithArgument(argv, { metric: { type: 'string' }, out: { type: 'string' } } as const, HELP, {
    command: 'report',
    what: 'one sweep folder',
  });
  if (typeof parsed === 'number') return parsed;
  const { values, argument: dir } = parsed;
  const plan = readPlan(dir);
  const rows = writeSweepIndex(dir, plan);
  const report = buildSweepReport(plan, rows, values.metric ?? reportMetric(plan));
  const out = values.out ?? join(dir, 'report');
  writeSweepReport(out, report);
  console.log(report.markdown);
  console.log(`report written to ${join(out, 'report.md')} (+ ${Object.keys(report.plots).length} SVG)`);
  return 0;
}
