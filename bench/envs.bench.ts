/**
 * Env step throughput (single env and VectorEnv N=64) with a fixed in-bounds action, and the
 * teachers' scores over 100 seeded episodes (`npm run bench -- --only envs`).
 */
import type { BenchSuite, BenchTable } from './types.ts';
import { listEnvs, makeEnv, VectorEnv, type Env } from '../envs/index.ts';
import { evaluateTeacher } from '../agents/teachers/evaluate.ts';

function zeroAction(env: Env): number[] | number {
  return env.actionSpace.kind === 'discrete' ? 1 : new Array<number>(env.actionSpace.low.length).fill(0);
}

function singleRate(id: string, seconds: number): number {
  const env = makeEnv(id);
  env.reset({ seed: 0 });
  const a = zeroAction(env);
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < seconds * 1000) {
    for (let k = 0; k < 100; k++) {
      const r = env.step(a);
      if (r.terminated || r.truncated) env.reset();
    }
    n += 100;
  }
  return n / ((performance.now() - t0) / 1000);
}

function vectorRate(id: string, numEnvs: number, seconds: number): number {
  const vec = new VectorEnv(() => makeEnv(id), numEnvs);
  vec.reset(0);
  const proto = vec.envs[0]!;
  const actions = new Float64Array(numEnvs * vec.actDim).fill(proto.actionSpace.kind === 'discrete' ? 1 : 0);
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < seconds * 1000) {
    vec.step(actions);
    n += numEnvs;
  }
  return n / ((performance.now() - t0) / 1000);
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

export function teacherTable(episodes: number): BenchTable {
  const rows: Array<Array<string | number>> = [];
  const cp = evaluateTeacher('cartpole', episodes);
  rows.push([
    'CartPoleContinuous-v1',
    'LQR',
    episodes,
    mean(cp.map((e) => e.return)),
    `${cp.filter((e) => e.return >= 500).length}/${episodes} reach 500`,
    'mean return ≥ 495',
  ]);
  const cpd = evaluateTeacher('CartPole-v1', episodes);
  rows.push([
    'CartPole-v1',
    'LQR sign',
    episodes,
    mean(cpd.map((e) => e.return)),
    `${cpd.filter((e) => e.return >= 500).length}/${episodes} reach 500`,
    'mean return ≥ 495',
  ]);
  const pe = evaluateTeacher('pendulum', episodes);
  rows.push([
    'Pendulum-v1',
    'energy swing-up + LQR',
    episodes,
    mean(pe.map((e) => e.return)),
    `worst ${Math.min(...pe.map((e) => e.return)).toFixed(1)}`,
    'mean return ≥ −200',
  ]);
  const re = evaluateTeacher('reacher', episodes);
  const d = re.map((e) => e.info['distance'] as number);
  rows.push([
    'Reacher-v1',
    'IK + PD',
    episodes,
    mean(re.map((e) => e.return)),
    `${d.filter((x) => x < 0.02).length}/${episodes} end < 2 cm (2% of 1 m reach); worst ${Math.max(...d).toFixed(4)} m`,
    '≥ 95% within 2%',
  ]);
  const wa = evaluateTeacher('walker', episodes);
  const bodyLen = makeEnv('walker').metadata.lengthScaleM;
  const ok = wa.filter((e) => !e.terminated && (e.info['x'] as number) >= 5 * bodyLen).length;
  rows.push([
    'Walker-v1',
    'CPG + PD',
    episodes,
    mean(wa.map((e) => e.return)),
    `${ok}/${episodes} ≥ 5 body lengths in 20 s without a fall; ${wa.filter((e) => e.terminated).length} falls; mean x ${mean(wa.map((e) => e.info['x'] as number)).toFixed(2)} m`,
    '≥ 90%',
  ]);
  return {
    title: `Teachers over ${episodes} seeded episodes (seeds 0..${episodes - 1})`,
    columns: ['env', 'teacher', 'episodes', 'mean return', 'outcome', 'target'],
    rows,
  };
}

const suite: BenchSuite = async ({ quick }) => {
  const secs = quick ? 0.3 : 2;
  const rows: Array<Array<string | number>> = [];
  for (const id of listEnvs()) {
    const env = makeEnv(id);
    rows.push([id, env.metadata.substeps, Math.round(singleRate(id, secs)), Math.round(vectorRate(id, 64, secs))]);
    env.close();
  }
  const cart = rows.find((r) => r[0] === 'CartPoleContinuous-v1')![2] as number;
  const speed: BenchTable = {
    title: 'Env steps per second (one control step = all its physics sub-steps; zero action; auto-reset)',
    columns: ['env', 'sub-steps', 'single env steps/s', 'VectorEnv N=64 steps/s (total)'],
    rows,
    notes: [`CartPoleContinuous-v1 single env: ${cart} steps/s — target ≥ 100000: ${cart >= 100_000 ? 'met' : 'MISSED'}.`],
  };
  return [speed, teacherTable(quick ? 10 : 100)];
};

export default suite;
