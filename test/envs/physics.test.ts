import { describe, expect, it } from 'vitest';
import { makeEnv, WalkerEnv } from '../../envs/index.ts';

describe('world snapshot and push', () => {
  it('cartpole snapshot has the track, cart and pole in metres with y up', () => {
    const env = makeEnv('cartpole');
    env.reset({ seed: 0 });
    const s = env.snapshot();
    expect(s.bodies.map((b) => b.label)).toEqual(['track', 'cart', 'pole']);
    const pole = s.bodies[2]!;
    expect(pole.position[1]).toBeGreaterThan(0.45); // pole centre half a metre above the hinge
    expect(s.constraints[0]!.label).toBe('hinge');
    const [a, b] = [s.constraints[0]!.a, s.constraints[0]!.b];
    expect(Math.hypot(a[0] - b[0], a[1] - b[1])).toBeLessThan(1e-9);
  });

  it('every body outline stays centred on its reported position while the cartpole runs', () => {
    const env = makeEnv('cartpole');
    env.reset({ seed: 1 });
    for (let i = 0; i < 15; i++) env.step([i % 2 === 0 ? 1 : -1]);
    for (const body of env.snapshot().bodies) {
      const n = body.vertices.length;
      const cx = body.vertices.reduce((acc, v) => acc + v[0], 0) / n;
      const cy = body.vertices.reduce((acc, v) => acc + v[1], 0) / n;
      expect(Math.abs(cx - body.position[0]), body.label).toBeLessThan(1e-9);
      expect(Math.abs(cy - body.position[1]), body.label).toBeLessThan(1e-9);
    }
  });

  it('reacher snapshot carries the target', () => {
    const env = makeEnv('reacher');
    const o = env.reset({ seed: 4 }).observation;
    expect(env.snapshot().target).toEqual([o[4], o[5]]);
  });

  it('applyImpulse on the pole tip makes the pole rotate the right way', () => {
    const env = makeEnv('cartpole');
    env.reset({ seed: 0 });
    const before = env.step([0]).observation[3]!;
    const pole = env.snapshot().bodies[2]!;
    // A push toward +x above the centre of mass tips the pole toward +x (θ̇ grows).
    env.applyImpulse!(2, [pole.position[0], pole.position[1] + 0.4], [0.05, 0]);
    const after = env.step([0]).observation[3]!;
    expect(after - before).toBeGreaterThan(0.5);
  });

  it('walker feet rest on the ground under gravity when the joints are held', () => {
    const env = new WalkerEnv();
    let o = env.reset({ seed: 0 }).observation;
    const y0 = o[0]!;
    for (let t = 0; t < 100; t++) {
      const a = new Float64Array(8);
      for (let j = 0; j < 8; j++) a[j] = Math.max(-1, Math.min(1, -0.6 * o[5 + j]!));
      const r = env.step(a);
      o = r.observation;
      expect(r.terminated).toBe(false);
    }
    // Contact holds the body up: it neither falls through nor floats away.
    expect(Math.abs(o[0]! - y0)).toBeLessThan(0.05);
    expect(Math.abs(o[1]!)).toBeLessThan(0.05);
  });
});

describe('contact-free sub-step', () => {
  it('is bit-identical to matter Engine.update for a world without contacts', async () => {
    const Matter = (await import('matter-js')).default;
    const { addBody, addPin, applyTorqueSI, createPhysics, setBodyState, substep } = await import('../../envs/physics.ts');
    const build = (contacts: boolean) => {
      const p = createPhysics({ contacts, substepS: 0.002, constraintIterations: 3 });
      const none = { collisionFilter: { group: 0, category: 0, mask: 0 } };
      const a = addBody(p, Matter.Bodies.rectangle(0, 0, 60, 8, none), 1, 0.03);
      const b = addBody(p, Matter.Bodies.rectangle(60, 0, 60, 8, none), 0.5, 0.015);
      addPin(p, 'shoulder', undefined, [-0.3, 0], a, [-0.3, 0]);
      addPin(p, 'elbow', a, [0.3, 0], b, [-0.3, 0]);
      setBodyState(p, b, 0.6, 0, 0, 0, 0, 0.5);
      return { p, a, b };
    };
    const x = build(true);
    const y = build(false);
    for (let k = 0; k < 500; k++) {
      for (const w of [x, y]) {
        applyTorqueSI(w.b, Math.sin(k * 0.01));
        substep(w.p);
      }
    }
    for (const key of ['a', 'b'] as const) {
      expect(y[key].position).toEqual(x[key].position);
      expect(y[key].angle).toBe(x[key].angle);
      expect(y[key].positionPrev).toEqual(x[key].positionPrev);
    }
  });
});
