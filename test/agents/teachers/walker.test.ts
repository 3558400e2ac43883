import { describe, expect, it } from 'vitest';
import { evaluateTeacher } from '../../../agents/teachers/evaluate.ts';
import { WalkerTeacher } from '../../../agents/teachers/walker.ts';
import { WALKER_PARAMS } from '../../../envs/walker.ts';

describe('walker CPG + PD teacher', () => {
  it('walks at least 5 body lengths in 20 s without falling (4 seeded episodes)', () => {
    const runs = evaluateTeacher('walker', 4, 500);
    for (const r of runs) {
      expect(r.terminated).toBe(false);
      expect(r.steps).toBe(WALKER_PARAMS.maxEpisodeSteps);
      expect(r.info['x'] as number).toBeGreaterThanOrEqual(5 * WALKER_PARAMS.torsoLengthM);
    }
  });

  it('locks its oscillators into a trot: diagonal legs in phase, the pairs in antiphase', () => {
    const t = new WalkerTeacher();
    t.reset(3);
    const obs = new Float64Array(21);
    obs[0] = 0.4;
    for (let i = 0; i < 200; i++) t.act(obs);
    const p = t.phases();
    const wrap = (x: number) => Math.atan2(Math.sin(x), Math.cos(x));
    expect(Math.abs(wrap(p[0]! - p[3]!))).toBeLessThan(1e-3);
    expect(Math.abs(wrap(p[1]! - p[2]!))).toBeLessThan(1e-3);
    expect(Math.abs(Math.abs(wrap(p[0]! - p[1]!)) - Math.PI)).toBeLessThan(1e-3);
  });
});
