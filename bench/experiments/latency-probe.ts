/**
 * Latency of a controller folder on its own weights (bench/notes/2026-12-02c-latency.md):
 *   1. step response: the observation is held at A for 40 control steps, then at B; prints the
 *      motor decoder's value per sub-step of the first control periods after the switch, as the
 *      share of the way from A's to B's steady command (period means of the last 10 periods);
 *   2. optionally the closed loop (`--episodes N --conditions 'a;b'`, seeds S..S+N−1 with `--seed S`, default 0; paired).
 * Overrides on the same weights: `--substeps T` (same τ in sub-steps, so the filters settle in a
 * smaller share of the period), `--readout mean|last`, `--direct-input` (the first layer takes
 * the held population current without its PSP filter: a unit-area filter's steady state equals its
 * constant input, so only the transient changes), `--action-gain g` (every decoded command × g
 * before the clip into the action bounds: a hotter student on the same weights).
 *   node bin/run-ts.mjs bench/experiments/latency-probe.ts DIR [--substeps 20] [--readout last] [--direct-input]
 *        [--a '0,0,0.05,0' --b '0,0,-0.05,0'] [--episodes 100 --conditions 'pushes=0.09']
 */
import { initBackend } from '../../src/backend/index.ts';
import { loadController } from '../../agents/controller.ts';
import { fromSequential } from '../../src/inference/fromSequential.ts';
import { EventDrivenNetwork } from '../../src/inference/engine.ts';
import { createSpikingPolicy } from '../../src/inference/policy.ts';
import { populationCurrentEncoder } from '../../src/inference/encoders.ts';
import { MotorDecoder } from '../../src/encoding/motorDecoder.ts';
import { evaluateActor, policyActor } from '../../agents/rollout.ts';
import { summarize } from '../../agents/report.ts';
import type { EventNetworkSpec } from '../../src/inference/spec.ts';

const args = process.argv.slice(2);
const opt = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const dir = args[0];
if (!dir)
  throw new Error('usage: latency-probe.ts DIR [--substeps T] [--readout mean|last] [--direct-input] [--episodes N --conditions a;b]');
await initBackend({ quiet: true });
const { spec, network } = loadController(dir);
const netSpec: EventNetworkSpec = fromSequential(network);
network.dispose();
if (args.includes('--direct-input')) netSpec.layers[0]!.synapseInput = 'spike';
if (args.includes('--no-psp')) for (const L of netSpec.layers) (L as { synapseInput: string }).synapseInput = 'spike';
const T = Number(opt('--substeps') ?? spec.substeps);
const readout = (opt('--readout') ?? spec.readout) as 'mean' | 'last';
const parse = (s: string): number[] => s.split(',').map(Number);
const D = spec.population.low.length;
const A = parse(opt('--a') ?? (D === 4 ? '0,0,0.05,0' : Array(D).fill(0).join(',')));
const B = parse(opt('--b') ?? (D === 4 ? '0,0,-0.05,0' : Array(D).fill(0).join(',')));

// 1. step response at sub-step resolution
{
  const net = new EventDrivenNetwork(netSpec);
  const enc = populationCurrentEncoder(spec.population);
  const dec = new MotorDecoder({ channels: spec.actionLow.length, ...spec.decoder });
  const trace: number[] = [];
  const run = (obs: number[], periods: number): void => {
    enc.setObservation(obs);
    for (let p = 0; p < periods; p++)
      for (let k = 0; k < T; k++) {
        const out = net.step(enc.next());
        trace.push(dec.stepEvents(out)[0]!);
      }
  };
  run(A, 40);
  const pre = trace.length;
  run(B, 40);
  const mean = (from: number, to: number): number => trace.slice(from, to).reduce((a, b) => a + b, 0) / (to - from);
  const a = mean(pre - 10 * T, pre);
  const b = mean(trace.length - 10 * T, trace.length);
  const share = (v: number): number => (v - a) / (b - a);
  console.log(
    `${dir}: T ${T}, readout ${readout}, first layer ${netSpec.layers[0]!.synapseInput}; command A ${a.toFixed(3)} → B ${b.toFixed(3)}`,
  );
  for (let p = 0; p < 3; p++) {
    const sub = trace.slice(pre + p * T, pre + (p + 1) * T).map(share);
    const m = sub.reduce((x, y) => x + y, 0) / T;
    const last = sub[T - 1]!;
    console.log(
      `  period ${p + 1}: share per sub-step ${sub.map((v) => v.toFixed(2)).join(' ')} | mean ${m.toFixed(2)} last ${last.toFixed(2)}`,
    );
  }
}

// 2. closed loop
const episodes = Number(opt('--episodes') ?? 0);
if (episodes > 0) {
  const conds = (opt('--conditions') ?? 'none').split(';');
  const policy = createSpikingPolicy({
    network: new EventDrivenNetwork(netSpec),
    encoder: populationCurrentEncoder(spec.population),
    substeps: T,
    decoder: spec.decoder,
    readout,
    actionScale: spec.actionScale.map((v) => v * Number(opt('--action-gain') ?? 1)),
  });
  const lo = spec.actionLow;
  const hi = spec.actionHigh;
  const actor = policyActor({
    ...policy,
    reset: () => policy.reset(),
    step: (o) => {
      const r = policy.step(o);
      for (let c = 0; c < r.action.length; c++) r.action[c] = Math.min(hi[c]!, Math.max(lo[c]!, r.action[c]!));
      return r;
    },
  });
  for (const c of conds) {
    const t0 = performance.now();
    const s = summarize(spec.env, evaluateActor(spec.env, actor, episodes, Number(opt('--seed') ?? 0), c === 'none' ? undefined : c));
    console.log(`  ${c}: ${s.success}; mean return ${s.meanReturn.toFixed(1)} (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
  }
}
