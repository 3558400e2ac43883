/**
 * The matter-js worlds against the analytic equations of motion (RK4, 0.5 ms) under the same
 * action sequence. Bounds are the measured errors with ~2× margin; the env headers quote them.
 */
import { describe, expect, it } from 'vitest';
import { CartPoleEnv, cartPoleDerivative } from '../../envs/cartpole.ts';
import { PendulumEnv, pendulumDerivative, pendulumEnergy, PENDULUM_PARAMS } from '../../envs/pendulum.ts';

function rk4(y: Float64Array, f: (y: Float64Array) => ArrayLike<number>, dt: number, steps: number): Float64Array {
  const h = dt / steps;
  let s = Float64Array.from(y);
  const add = (a: Float64Array, k: ArrayLike<number>, c: number) => a.map((v, j) => v + c * k[j]!);
  for (let i = 0; i < steps; i++) {
    const k1 = f(s);
    const k2 = f(add(s, k1, h / 2));
    const k3 = f(add(s, k2, h / 2));
    const k4 = f(add(s, k3, h));
    s = s.map((v, j) => v + (h / 6) * (k1[j]! + 2 * k2[j]! + 2 * k3[j]! + k4[j]!));
  }
  return s;
}

describe('CartPoleContinuous-v1 follows the cart-pole equations', () => {
  it('stays within 1 cm and 0.05 rad of RK4 over 1 s of varying force', () => {
    const env = new CartPoleEnv();
    env.reset({ seed: 0 });
    env.setState({ x: 0, xDot: 0, theta: 0.15, thetaDot: 0 });
    let obs: Float64Array = Float64Array.of(0, 0, 0.15, 0);
    let ref: Float64Array = Float64Array.from(obs);
    const maxErr = [0, 0, 0, 0];
    for (let t = 0; t < 50; t++) {
      // A stabilising feedback on the matter state plus a wobble; the same numbers then drive RK4.
      const a = Math.max(-1, Math.min(1, 3 * obs[2]! + 0.5 * obs[3]! + 0.1 * obs[0]! + 0.2 * obs[1]! + 0.3 * Math.sin(t * 0.5)));
      obs = env.step([a]).observation;
      ref = rk4(ref, (y) => cartPoleDerivative(y, 10 * a), 0.02, 40);
      for (let j = 0; j < 4; j++) maxErr[j] = Math.max(maxErr[j]!, Math.abs(obs[j]! - ref[j]!));
    }
    console.log('cartpole max |error| over 1 s [x, xdot, theta, thetadot]:', maxErr.map((e) => e.toExponential(2)).join(', '));
    expect(maxErr[0]).toBeLessThan(0.01);
    expect(maxErr[2]).toBeLessThan(0.05);
    expect(maxErr[1]).toBeLessThan(0.05);
    expect(maxErr[3]).toBeLessThan(0.25);
  });
});

describe('Pendulum-v1 follows θ̈ = 3g/(2l) sinθ + 3u/(ml²)', () => {
  it('stays within 0.012 rad of RK4 over 1 s of varying torque', () => {
    const env = new PendulumEnv();
    env.reset({ seed: 0 });
    env.setState({ theta: 2.5, thetaDot: 0.5 });
    let ref: Float64Array = Float64Array.of(2.5, 0.5);
    const maxErr = [0, 0];
    for (let t = 0; t < 20; t++) {
      const u = 1.5 * Math.sin(t * 0.4);
      env.step([u]);
      ref = rk4(ref, (y) => pendulumDerivative(y, u), 0.05, 100);
      const s = env.getState();
      maxErr[0] = Math.max(maxErr[0]!, Math.abs(s.theta - ref[0]!));
      maxErr[1] = Math.max(maxErr[1]!, Math.abs(s.thetaDot - ref[1]!));
    }
    console.log('pendulum max |error| over 1 s [theta, thetadot]:', maxErr.map((e) => e.toExponential(2)).join(', '));
    expect(maxErr[0]).toBeLessThan(0.012);
    expect(maxErr[1]).toBeLessThan(0.04);
  });

  it('conserves energy within 1.5% of m·g·l over 2 s with no torque', () => {
    const env = new PendulumEnv();
    env.reset({ seed: 0 });
    env.setState({ theta: 2.0, thetaDot: 0 });
    const e0 = pendulumEnergy(env.getState());
    let drift = 0;
    for (let t = 0; t < 40; t++) {
      env.step([0]);
      drift = Math.max(drift, Math.abs(pendulumEnergy(env.getState()) - e0));
    }
    const scale = PENDULUM_PARAMS.massKg * PENDULUM_PARAMS.gravityMS2 * PENDULUM_PARAMS.lengthM;
    console.log(`pendulum energy drift over 2 s: ${((drift / scale) * 100).toFixed(3)}% of mgl`);
    expect(drift / scale).toBeLessThan(0.015);
  });
});
