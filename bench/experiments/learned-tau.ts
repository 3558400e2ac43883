/**
 * The membrane time constants a trained checkpoint learned (`learnTau` layers): for each
 * `<layer>/decayLogit` weight, λ = sigmoid(w) and τ = 1 / (1 − λ) in steps, printed as
 * min / p10 / median / p90 / max / mean over the neurons. Used for bench/results/recurrent.md.
 *   node bin/run-ts.mjs bench/experiments/learned-tau.ts CHECKPOINT_DIR ...
 */
import { loadCheckpoint } from '../../src/train/checkpoint.ts';

const dirs = process.argv.slice(2);
if (dirs.length === 0) {
  console.error('usage: learned-tau.ts CHECKPOINT_DIR ...');
  process.exit(2);
}
const fmt = (x: number): string => x.toFixed(2);
for (const dir of dirs) {
  const found = loadCheckpoint(dir).weights.filter((w) => w.name.endsWith('/decayLogit'));
  if (found.length === 0) console.log(`${dir}: no learned τ (no decayLogit weight)`);
  for (const w of found) {
    const tau = Array.from(w.values, (v) => 1 + Math.exp(v)).sort((a, b) => a - b); // 1/(1−sigmoid(v)) = 1 + e^v
    const q = (p: number): number => tau[Math.min(tau.length - 1, Math.floor(p * tau.length))]!;
    const mean = tau.reduce((a, b) => a + b, 0) / tau.length;
    console.log(
      `${dir} ${w.name} [${tau.length}]: τ min ${fmt(tau[0]!)} p10 ${fmt(q(0.1))} median ${fmt(q(0.5))} p90 ${fmt(q(0.9))} max ${fmt(tau[tau.length - 1]!)} mean ${fmt(mean)} steps`,
    );
  }
}
