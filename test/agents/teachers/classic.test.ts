import { describe, expect, it } from 'vitest';
import { evaluateTeacher } from '../../../agents/teachers/evaluate.ts';
import { dlqr, makeTeacher, ReacherTeacher, reacherIk, scaledTeacher } from '../../../agents/teachers/index.ts';

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('dlqr', () => {
  it('matches the scalar Riccati closed form', () => {
    // x+ = a x + b u, cost q x² + r u²: P solves P = q + a²P − a²b²P²/(r + b²P).
    const [a, b, q, r] = [1.2, 0.5, 1, 0.3];
    const k = dlqr([[a]], [[b]], [[q]], [[r]])[0]![0]!;
    const c2 = b * b;
    // b²P² + (r − a² r − q b²)P − q r = 0 → positive root.
    const B = r - a * a * r - q * c2;
    const P = (-B + Math.sqrt(B * B + 4 * c2 * q * r)) / (2 * c2);
    expect(k).toBeCloseTo((b * P * a) / (r + b * b * P), 10);
  });
});

describe('reacherIk', () => {
  it('puts the fingertip on the target for both elbow bends', () => {
    for (const sign of [1, -1]) {
      const [q1, q2] = reacherIk(0.3, -0.6, sign);
      const x = 0.5 * Math.cos(q1) + 0.5 * Math.cos(q1 + q2);
      const y = 0.5 * Math.sin(q1) + 0.5 * Math.sin(q1 + q2);
      expect(x).toBeCloseTo(0.3, 10);
      expect(y).toBeCloseTo(-0.6, 10);
      expect(Math.sign(q2)).toBe(sign);
    }
  });
});

describe('reacher teacher elbow choice', () => {
  // observation: [cos q1, cos q2, sin q1, sin q2, target x, y, q̇1, q̇2, offset x, y] at rest
  const posture = (q1: number, q2: number): Float64Array =>
    Float64Array.of(Math.cos(q1), Math.cos(q2), Math.sin(q1), Math.sin(q2), 0.3, -0.6, 0, 0, 0, 0);
  const [up1, up2] = reacherIk(0.3, -0.6, 1);
  const [down1, down2] = reacherIk(0.3, -0.6, -1);

  it("'current' aims at the bend the arm has now: on target in either bend, it asks for nothing", () => {
    const t = new ReacherTeacher({ elbow: 'current' });
    t.reset();
    expect(Math.max(...Array.from(t.act(posture(up1, up2)), Math.abs))).toBeLessThan(1e-9);
    expect(Math.max(...Array.from(t.act(posture(down1, down2)), Math.abs))).toBeLessThan(1e-9);
  });

  it("'initial' keeps the first step's bend: after a crossover it asks for a saturated swing back", () => {
    const t = new ReacherTeacher({ elbow: 'initial' });
    t.reset();
    t.act(posture(up1, up2));
    expect(Math.max(...Array.from(t.act(posture(down1, down2)), Math.abs))).toBe(1);
  });
});

describe('teachers reach their targets on seeded episodes', () => {
  it('cartpole LQR balances for the full 500 steps', () => {
    const rets = evaluateTeacher('cartpole', 10, 1000).map((e) => e.return);
    expect(mean(rets)).toBeGreaterThanOrEqual(495);
  });

  it('discrete cartpole bang-bang LQR balances for the full 500 steps', () => {
    expect(mean(evaluateTeacher('CartPole-v1', 10, 1000).map((e) => e.return))).toBeGreaterThanOrEqual(495);
  });

  it('pendulum swing-up + LQR catch scores a mean return above −200', () => {
    expect(mean(evaluateTeacher('pendulum', 20, 1000).map((e) => e.return))).toBeGreaterThan(-200);
  });

  it('reacher IK + PD ends within 2% of the reach in at least 95% of episodes', () => {
    const d = evaluateTeacher('reacher', 20, 1000).map((e) => e.info['distance'] as number);
    expect(d.filter((x) => x < 0.02 * 1.0).length).toBeGreaterThanOrEqual(19);
  });

  it('teacher actions stay inside the action space', () => {
    const t = makeTeacher('pendulum');
    for (const o of [
      [1, 0, 8],
      [-1, 0, 0],
      [0, 1, -8],
    ]) {
      const a = t.act(Float64Array.from(o))[0]!;
      expect(Math.abs(a)).toBeLessThanOrEqual(2);
    }
    expect(() => makeTeacher('nope')).toThrow(/unknown env/);
  });
});

describe('scaledTeacher', () => {
  it('multiplies the teacher’s action and clips it into the bounds; gain 1 is the teacher itself', () => {
    const inner = { reset: () => {}, act: (o: Float64Array) => Float64Array.from([o[0]!, -o[0]!]) };
    const hot = scaledTeacher(inner, 1.5, [-1, -1], [1, 1]);
    expect(Array.from(hot.act(Float64Array.from([0.4])))).toEqual([0.6000000000000001, -0.6000000000000001]);
    expect(Array.from(hot.act(Float64Array.from([0.9])))).toEqual([1, -1]);
    expect(scaledTeacher(inner, 1, [-1, -1], [1, 1])).toBe(inner);
    expect(() => scaledTeacher(inner, 0, [-1], [1])).toThrow('scaledTeacher: gain must be a finite number > 0, got 0');
  });

  it('keeps the cart-pole LQR’s sign and raises its margin under the suite’s pushes', () => {
    const lqr = makeTeacher('cartpole');
    const hot = scaledTeacher(makeTeacher('cartpole'), 1.2, [-1], [1]);
    const o = Float64Array.from([0.01, 0, 0.01, 0]);
    expect(hot.act(o)[0]).toBeCloseTo(1.2 * lqr.act(o)[0]!, 12);
  });
});
