/**
 * Where does the reacher's final error come from? Runs the teacher on seeds 0..N−1 through
 * degraded channels and counts episodes that end < 5% of reach from the target:
 *   - the teacher's command clipped to commandScale, sent through the spike code itself (the label
 *     encoder's push/pull sigma-delta trains decoded by the controller's decoder, mean over the
 *     period): what a perfect imitator of the labels would do;
 *   - one step of action delay; Gaussian command noise.
 * With a controller folder it also measures that controller's imitation error along its own
 * trajectories (|SNN − teacher| per channel, in command units), binned by fingertip distance.
 *   node bin/run-ts.mjs bench/experiments/reacher-precision.ts [episodes=100] [CONTROLLER_DIR]
 */
import { initBackend } from '../../src/backend/index.ts';
import { loadPolicy } from '../../agents/controller.ts';
import { makeEnv } from '../../envs/index.ts';
import { ReacherTeacher } from '../../agents/teachers/index.ts';
import { createSigmaDelta } from '../../src/encoding/sigmaDelta.ts';
import { MotorDecoder } from '../../src/encoding/motorDecoder.ts';
import { pushPull, type MotorCode } from '../../src/labels/motor.ts';
import { createRng } from '../../src/util/random.ts';

const [episodesArg, dir] = process.argv.slice(2);
const episodes = Number(episodesArg ?? 100);
await initBackend({ quiet: true });

type Channel = { reset(seed: number): void; map(cmd: Float64Array): Float64Array };

/** Command → push/pull spike trains (labels' encoder) → decoder → mean over the period. */
function spikeChannel(opts: { commandScale: number; substeps: number; code: MotorCode; tauSyn: number; gain: number }): Channel {
  const psp = { tauSyn: opts.tauSyn, scale: 'unit-area' as const };
  const enc = createSigmaDelta({ mode: 'kernel', gain: opts.gain, psp });
  const dec = new MotorDecoder({ channels: 2, gain: opts.gain, psp });
  let st = [enc.initialState(), enc.initialState(), enc.initialState(), enc.initialState()];
  return {
    reset() {
      st = st.map(() => enc.initialState());
      dec.reset();
    },
    map(cmd) {
      const out = new Float64Array(2);
      const x = Array.from(cmd, (a) => Math.max(-1, Math.min(1, a / opts.commandScale)));
      const pp = x.flatMap((v) => pushPull(v, opts.code));
      for (let k = 0; k < opts.substeps; k++) {
        const spikes = pp.map((v, i) => {
          const r = enc.step(v, st[i]!);
          st[i] = r.state;
          return r.spike ? 1 : 0;
        });
        const m = dec.step(spikes);
        for (let c = 0; c < 2; c++) out[c] += m[c]! / opts.substeps;
      }
      return Float64Array.from(out, (v) => Math.max(-1, Math.min(1, v * opts.commandScale)));
    },
  };
}

const identity: Channel = { reset() {}, map: (c) => c };
function delayChannel(k: number): Channel {
  let q: Float64Array[] = [];
  return {
    reset() {
      q = [];
    },
    map(c) {
      q.push(c);
      return q.length > k ? q.shift()! : new Float64Array(c.length);
    },
  };
}
function noiseChannel(sigma: number): Channel {
  let rng = createRng(1);
  return {
    reset(seed) {
      rng = createRng(seed + 777);
    },
    map: (c) => Float64Array.from(c, (v) => Math.max(-1, Math.min(1, v + sigma * rng.normal()))),
  };
}

function run(name: string, ch: Channel): void {
  const env = makeEnv('reacher');
  const teacher = new ReacherTeacher();
  let ok = 0;
  let sum = 0;
  for (let seed = 0; seed < episodes; seed++) {
    let obs = env.reset({ seed }).observation;
    teacher.reset();
    ch.reset(seed);
    let d = 0;
    for (let s = 0; s < env.metadata.maxEpisodeSteps; s++) {
      const r = env.step(ch.map(teacher.act(obs)));
      obs = r.observation;
      d = Number(r.info.distance);
    }
    if (d < 0.05) ok++;
    sum += d;
  }
  env.close();
  console.log(`${name.padEnd(58)} ${ok}/${episodes} < 5 cm, mean final ${((100 * sum) / episodes).toFixed(2)} cm`);
}

run('teacher', identity);
run('teacher, clipped to ±0.5 of the bound', { reset() {}, map: (c) => c.map((v) => Math.max(-0.5, Math.min(0.5, v))) });
for (const [cs, T, code, tau] of [
  [0.5, 10, 'balanced', 5],
  [1, 10, 'balanced', 5],
  [0.5, 10, 'one-sided', 5],
  [0.5, 20, 'balanced', 5],
  [0.5, 10, 'balanced', 10],
] as const) {
  run(
    `teacher → spike code (scale ${cs}, Tsub ${T}, ${code}, τs ${tau})`,
    spikeChannel({ commandScale: cs, substeps: T, code, tauSyn: tau, gain: 2 }),
  );
}
run('teacher, 1 step action delay', delayChannel(1));
for (const s of [0.05, 0.1, 0.2, 0.3]) run(`teacher + command noise σ = ${s}`, noiseChannel(s));

if (dir) {
  const { policy, spec } = loadPolicy(dir);
  const env = makeEnv('reacher');
  const teacher = new ReacherTeacher();
  const scale = spec.actionScale[0]!;
  const bins = [0.05, 0.15, Infinity];
  const err = bins.map(() => ({ n: 0, abs: 0, sat: 0 }));
  let ok = 0;
  for (let seed = 0; seed < episodes; seed++) {
    policy.reset();
    teacher.reset();
    const first = env.reset({ seed });
    let obs = first.observation;
    let d = Number(first.info.distance);
    for (let s = 0; s < env.metadata.maxEpisodeSteps; s++) {
      const a = Float64Array.from(policy.step(obs).action);
      const t = teacher.act(obs);
      const b = bins.findIndex((x) => d < x);
      for (let c = 0; c < 2; c++) {
        const tc = Math.max(-1, Math.min(1, t[c]! / scale));
        err[b]!.n++;
        err[b]!.abs += Math.abs(a[c]! / scale - tc);
        if (Math.abs(tc) >= 1) err[b]!.sat++;
      }
      const r = env.step(a);
      obs = r.observation;
      d = Number(r.info.distance);
    }
    if (d < 0.05) ok++;
  }
  env.close();
  console.log(`controller ${dir}: ${ok}/${episodes} < 5 cm`);
  bins.forEach((b, i) =>
    console.log(
      `  d < ${b}: ${err[i]!.n} samples, mean |SNN − teacher| ${(err[i]!.abs / Math.max(1, err[i]!.n)).toFixed(3)} (command units), teacher saturated ${((100 * err[i]!.sat) / Math.max(1, err[i]!.n)).toFixed(0)}%`,
    ),
  );
}
