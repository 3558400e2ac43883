/**
 * The Oxford bench's table (Markdown): one row per trained objective and one for SLAYER's
 * released output, with the metrics of src/report/spikeMetrics.ts, training seconds and epochs.
 */
import type { SpikeMetrics } from '../../report/spikeMetrics.ts';
import type { OxfordResult } from './runner.ts';

const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;

function cells(m: SpikeMetrics): string[] {
  return [
    m.vanRossum.toFixed(3),
    String(m.outputSpikes),
    m.totalCountError.toFixed(3),
    m.perNeuronCountError.toFixed(3),
    pct(m.hitShare),
    pct(m.unmatchedShare),
  ];
}

/** The results table with the command and machine lines under it. */
export function oxfordTable(r: OxfordResult): string {
  const w = r.config.metrics?.windowSteps ?? 2;
  const tau = r.config.metrics?.tauSteps ?? 5;
  const lines = [
    `| output | van Rossum (τ ${tau}, / target norm) | spikes (target ${r.target.spikes}) | total count error | per-neuron count error | target spikes hit within ±${w} steps | output spikes unmatched | training time | epochs |`,
    '|---|---|---|---|---|---|---|---|---|',
    ...r.runs.map(
      (run) => `| ours, ${run.objective} loss | ${cells(run.metrics).join(' | ')} | ${run.trainSeconds.toFixed(0)} s | ${run.epochs} |`,
    ),
  ];
  if (r.slayer) lines.push(`| SLAYER, released output | ${cells(r.slayer).join(' | ')} | (GPU, not timed here) | 5000 (per lava-dl) |`);
  lines.push('');
  lines.push(`Config \`${r.name}\`, backend ${r.backend}, node ${r.node}, started ${r.startedAt}, wall ${r.wallSeconds.toFixed(0)} s.`);
  if (r.command !== undefined) lines.push(`Command: \`${r.command}\``);
  const la = (x: number[]): string => x.map((v) => v.toFixed(2)).join(', ');
  lines.push(`Machine: ${r.machine ?? 'not given'}; load average (1, 5, 15 min) ${la(r.load.start)} at start, ${la(r.load.end)} at end.`);
  return `${lines.join('\n')}\n`;
}
