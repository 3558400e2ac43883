/**
 * Event-driven batch-1 inference speed (issue #5 item 4): SNN steps per second of
 * `EventDrivenNetwork` for a 2-hidden-layer 128-unit net, no environment in the loop, and the
 * resulting real-time factor for cartpole (control step 0.02 s, Tsub SNN steps per control step).
 * Goal: ≥ 200× real time at Tsub ≥ 10.
 */
import type { BenchSuite, BenchTable } from './types.ts';
import { EventDrivenNetwork } from '../src/inference/engine.ts';
import { createSpikingPolicy } from '../src/inference/policy.ts';
import { populationCurrentEncoder, populationSpikeEncoder } from '../src/inference/encoders.ts';
import type { DenseLayerSpec, EventNetworkSpec } from '../src/inference/spec.ts';
import { createRng } from '../src/util/random.ts';
import { createClosedLoop, type LoopEnv } from '../src/stream/loop.ts';
import { motorActuator } from '../src/stream/actuator.ts';
import { firstValueFrom, last, take } from 'rxjs';

/** A trivial env (x'' = u) so that the loop table measures the loop and the policy, not physics. */
function pointMass(): LoopEnv {
  let x = 0;
  let v = 0;
  const obs = () => Float64Array.of(x, v, 0, 0);
  return {
    metadata: { dtS: CARTPOLE_DT_S },
    reset: () => ((x = 0), (v = 0), { observation: obs() }),
    step: (a) => {
      v += (typeof a === 'number' ? a : a[0]!) * CARTPOLE_DT_S;
      x += v * CARTPOLE_DT_S;
      return { observation: obs(), reward: 1, terminated: Math.abs(x) > 2.4, truncated: false };
    },
  };
}

const CARTPOLE_DT_S = 0.02;
const LOW = [-2.4, -3, -0.21, -3.5];
const HIGH = [2.4, 3, 0.21, 3.5];

function spec(sizes: number[], seed: number, weightStd = 2): EventNetworkSpec {
  const rng = createRng(seed);
  const layers: DenseLayerSpec[] = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    const n = sizes[l]!;
    const m = sizes[l + 1]!;
    const W = Float32Array.from({ length: n * m }, () => rng.normal(0.1 / Math.sqrt(n), weightStd / Math.sqrt(n)));
    layers.push({
      kind: 'dense',
      inSize: n,
      outSize: m,
      W,
      lif: { tauMem: 5, threshold: 1, reset: 'hard' },
      synapseInput: 'psp',
      psp: { tauSyn: 3, scale: 'unit-area' },
    });
  }
  return { layers };
}

function observations(count: number, seed: number): Float64Array[] {
  const rng = createRng(seed);
  return Array.from({ length: count }, () => Float64Array.from(LOW, (lo, d) => rng.uniform(lo, HIGH[d]!)));
}

const suite: BenchSuite = async ({ quick }) => {
  const sizes = [40, 128, 128, 2];
  const obs = observations(256, 2);
  const rows: Array<Array<string | number>> = [];
  const notes: string[] = [];
  for (const [label, spiking] of [
    ['population currents', false],
    ['population spikes', true],
  ] as const) {
    for (const substeps of [10, 20]) {
      const net = new EventDrivenNetwork(spec(sizes, 1));
      const encoder = spiking
        ? populationSpikeEncoder({ low: LOW, high: HIGH, neuronsPerDim: 10 })
        : populationCurrentEncoder({ low: LOW, high: HIGH, neuronsPerDim: 10 });
      const policy = createSpikingPolicy({ network: net, encoder, substeps });
      const controlSteps = quick ? 2000 : 20000;
      const hiddenSpikes = [0, 0];
      for (let s = 0; s < 500; s++) policy.step(obs[s % obs.length]!); // warm-up (JIT)
      const t0 = performance.now();
      for (let s = 0; s < controlSteps; s++) {
        const r = policy.step(obs[s % obs.length]!);
        hiddenSpikes[0]! += r.spikes.find((e) => e.layer === 1)!.neurons.length;
        hiddenSpikes[1]! += r.spikes.find((e) => e.layer === 2)!.neurons.length;
      }
      const sec = (performance.now() - t0) / 1000;
      const ctrlPerS = controlSteps / sec;
      const snnPerS = ctrlPerS * substeps;
      const rt = ctrlPerS * CARTPOLE_DT_S;
      const rates = hiddenSpikes.map((c) => c / (controlSteps * substeps * 128));
      rows.push([
        label,
        substeps,
        Math.round(snnPerS),
        Math.round(ctrlPerS),
        Math.round(rt),
        `${(100 * rates[0]!).toFixed(1)}% / ${(100 * rates[1]!).toFixed(1)}%`,
      ]);
      if (substeps >= 10 && rt < 200) notes.push(`MISSED: ${label}, Tsub=${substeps}: ${rt.toFixed(0)}× real time < 200×`);
    }
  }
  if (notes.length === 0) notes.push('Goal met: every row ≥ 200× real time for cartpole at Tsub ≥ 10.');
  notes.push(
    'Net 40-128-128-2 (4 cartpole dims × 10 Gaussian fields), PSP synapses τs=3, LIF τm=5, random weights; timings include encoding, decoding and per-tick spike-event lists (policy.step), no environment.',
  );
  const engineRows: Array<Array<string | number>> = [];
  for (const weightStd of [1, 2, 3]) {
    const net = new EventDrivenNetwork(spec(sizes, 1, weightStd));
    const enc = populationSpikeEncoder({ low: LOW, high: HIGH, neuronsPerDim: 10 });
    const inputs = Array.from({ length: 2560 }, (_, t) => {
      if (t % 10 === 0) enc.setObservation(obs[(t / 10) % obs.length]!);
      return Float32Array.from(enc.next());
    });
    const steps = quick ? 50000 : 400000;
    for (let t = 0; t < 5000; t++) net.step(inputs[t % inputs.length]!);
    let fired = 0;
    const t0 = performance.now();
    for (let t = 0; t < steps; t++) {
      net.step(inputs[t % inputs.length]!);
      fired += net.spikes(0).length + net.spikes(1).length;
    }
    const sec = (performance.now() - t0) / 1000;
    engineRows.push([
      weightStd,
      `${((100 * fired) / (steps * 256)).toFixed(1)}%`,
      Math.round(steps / sec),
      ((steps / sec / 10) * CARTPOLE_DT_S).toFixed(0),
    ]);
  }
  const engineTable: BenchTable = {
    title: 'Event-driven engine alone (EventDrivenNetwork.step, 40-128-128-2, population-spike inputs precomputed)',
    columns: ['weight std × √fan-in', 'hidden firing', 'SNN steps/s', '× real time at Tsub=10'],
    rows: engineRows,
    notes: ['× real time = steps/s ÷ (10 sub-steps × 50 control steps per simulated second).'],
  };
  const table: BenchTable = {
    title: 'Event-driven inference, batch 1 (2 hidden layers × 128)',
    columns: ['input', 'Tsub', 'SNN steps/s', 'control steps/s', '× real time (cartpole 0.02 s)', 'hidden firing (l1 / l2)'],
    rows,
    notes,
  };
  const loopRows: Array<Array<string | number>> = [];
  for (const withActuator of [false, true]) {
    const make = () =>
      createSpikingPolicy({
        network: new EventDrivenNetwork(spec(sizes, 1)),
        encoder: populationSpikeEncoder({ low: LOW, high: HIGH, neuronsPerDim: 10 }),
        substeps: 10,
      });
    const n = quick ? 2000 : 20000;
    const run = async (count: number) => {
      const loop = createClosedLoop({
        env: pointMass(),
        policy: make(),
        episodes: Infinity,
        maxEpisodeSteps: 500,
        ...(withActuator ? { actuator: motorActuator({ layer: 3, channels: 1, substeps: 10 }) } : {}),
      });
      let spikeCount = 0;
      loop.spikes$.subscribe((t) => (spikeCount += t.layers.reduce((a, l) => a + l.neurons.length, 0)));
      const t0 = performance.now();
      await firstValueFrom(loop.run$.pipe(take(count), last(null, undefined)));
      const steps = count;
      loop.dispose();
      return { sec: (performance.now() - t0) / 1000, steps, spikeCount };
    };
    await run(500);
    const r = await run(n);
    loopRows.push([
      withActuator ? 'motorActuator operator on spikes$' : "policy's own decoder",
      Math.round(r.steps / r.sec),
      Math.round((r.steps / r.sec) * CARTPOLE_DT_S),
    ]);
  }
  const loopTable: BenchTable = {
    title:
      'Closed loop (createClosedLoop, fast pace, 128 ticks per chunk, spikes$ tapped) with a trivial env, same net, population spikes, Tsub=10',
    columns: ['actuator', 'control steps/s', '× real time (0.02 s steps)'],
    rows: loopRows,
  };
  return [table, engineTable, loopTable];
};

export default suite;
