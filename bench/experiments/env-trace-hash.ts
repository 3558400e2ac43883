/**
 * A hash of every built-in env's behaviour: seeded resets, random actions (seeded), resets at the
 * episode ends, a push, a parameter change taking effect at the next reset, and world snapshots,
 * all as raw float64 bytes (so even the sign of a zero counts). Run it before and after a refactor
 * of the envs to show the behaviour is bit-identical (bench/notes/2026-12-02b-env-helpers.md).
 *   node bin/run-ts.mjs bench/experiments/env-trace-hash.ts
 */
import { createHash, type Hash } from 'node:crypto';
import { listEnvs, makeEnv, type Env, type WorldSnapshot } from '../../envs/index.ts';
import { createRng } from '../../src/util/random.ts';

const PARAMS: Record<string, Record<string, number>> = {
  'CartPole-v1': { poleMassKg: 0.15 },
  'CartPoleContinuous-v1': { cartMassKg: 1.3 },
  'Pendulum-v1': { massKg: 1.2 },
  'Reacher-v1': { link2M: 0.4 },
  'Walker-v1': { torsoMassKg: 5 },
};

function put(h: Hash, xs: ArrayLike<number>): void {
  h.update(Buffer.from(Float64Array.from(xs).buffer));
}

function putSnapshot(h: Hash, s: WorldSnapshot): void {
  put(h, [s.time, ...(s.target ?? [])]);
  for (const b of s.bodies) put(h, [b.id, ...b.position, b.angle, ...b.vertices.flat()]);
  for (const c of s.constraints) put(h, [...c.a, ...c.b]);
  h.update(JSON.stringify(s.params ?? {}));
}

function trace(env: Env, seed: number, h: Hash): void {
  const rng = createRng(1000 + seed);
  put(h, env.reset({ seed }).observation);
  for (let t = 0; t < 150; t++) {
    if (t === 40) {
      const snap = env.snapshot();
      const body = snap.bodies.find((b) => !b.isStatic)!;
      env.applyImpulse?.(body.id, body.position, [0.05, 0.02]);
      putSnapshot(h, env.snapshot());
    }
    if (t === 60 && PARAMS[env.id]) env.setParams?.(PARAMS[env.id]!);
    const r = env.step(env.actionSpace.sample(rng));
    put(h, [...r.observation, r.reward, Number(r.terminated), Number(r.truncated)]);
    h.update(JSON.stringify(r.info));
    if (r.terminated || r.truncated) put(h, env.reset().observation);
  }
  putSnapshot(h, env.snapshot());
}

for (const id of listEnvs()) {
  const h = createHash('sha256');
  const env = makeEnv(id);
  for (let seed = 0; seed < 3; seed++) trace(env, seed, h);
  env.close();
  console.log(id, h.digest('hex').slice(0, 16));
}
