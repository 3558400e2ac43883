import { describe, expect, it } from 'vitest';
import { evaluateTeacher } from '../../../agents/teachers/evaluate.ts';
import { DEFAULT_WALKER_TEACHER, WalkerTeacher, walkerGaitPhase } from '../../../agents/teachers/walker.ts';
import { makeTeacher } from '../../../agents/teachers/index.ts';
import { evaluateActor } from '../../../agents/rollout.ts';
import { computeFeatures, featureDims } from '../../../agents/features.ts';
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

  describe('phase feedback (phaseFeedback)', () => {
    const obsAt = (phase: number, amp = 0.3): Float64Array => {
      // a trot at the CPG's frequency: legs 0, 3 at `phase`, legs 1, 2 in antiphase
      const w = 2 * Math.PI * DEFAULT_WALKER_TEACHER.frequencyHz;
      const o = new Float64Array(21);
      o[0] = 0.4;
      [1, -1, -1, 1].forEach((s, i) => {
        o[5 + i] = s * amp * Math.sin(phase);
        o[13 + i] = s * amp * w * Math.cos(phase);
      });
      return o;
    };

    it('reads the gait phase off the hips: atan2(h, ḣ/ω) of the trot signal', () => {
      for (const p of [-2.5, -1, 0, 0.7, 2, 3]) expect(walkerGaitPhase(obsAt(p), DEFAULT_WALKER_TEACHER.frequencyHz)).toBeCloseTo(p, 10);
    });

    it('is off by default: the default teacher and phaseFeedback 0 act alike', () => {
      const a = new WalkerTeacher();
      const b = makeTeacher('Walker-v1', { phaseFeedback: 0 });
      a.reset(4);
      b.reset(4);
      for (let s = 0; s < 50; s++) {
        const o = obsAt(0.3 * s);
        expect(Array.from(b.act(o))).toEqual(Array.from(a.act(o)));
      }
    });

    it('pulls the oscillators to the body phase; >= 1000 makes the teacher a function of the observation', () => {
      const off = DEFAULT_WALKER_TEACHER.phaseOffsetRad;
      const wrap = (x: number) => Math.atan2(Math.sin(x), Math.cos(x));
      const t = new WalkerTeacher({ phaseFeedback: 20 });
      t.reset(1);
      // a body that stays in phase 1.0: the oscillators settle near it plus the offset, ahead by their own drift
      for (let s = 0; s < 300; s++) t.act(obsAt(1));
      const lag = wrap(t.phases()[0]! - (1 + off));
      expect(Math.abs(lag)).toBeLessThan(0.6);
      expect(Math.abs(wrap(t.phases()[1]! - t.phases()[0]! - Math.PI))).toBeLessThan(0.05);
      const x = new WalkerTeacher({ phaseFeedback: 1000 });
      const y = new WalkerTeacher({ phaseFeedback: 1000 });
      x.reset(1);
      y.reset(2);
      for (let s = 0; s < 20; s++) y.act(obsAt(0.5 * s));
      expect(Array.from(x.act(obsAt(2.2)))).toEqual(Array.from(y.act(obsAt(2.2))));
    });

    it('still walks with phaseFeedback 2 (2 seeded episodes, no fall)', () => {
      const runs = evaluateActor('Walker-v1', makeTeacher('Walker-v1', { phaseFeedback: 2 }), 2, 50_000);
      for (const r of runs) {
        expect(r.terminated).toBe(false);
        expect(r.info['x'] as number).toBeGreaterThanOrEqual(5 * WALKER_PARAMS.torsoLengthM);
      }
    });

    it("the 'walker.gaitPhase' observation feature is sin/cos of the phase the teacher reads, offset included", () => {
      expect(featureDims(['walker.gaitPhase'])).toBe(2);
      const out = new Float64Array(3);
      computeFeatures(['walker.gaitPhase'], obsAt(0.4), out, 1);
      const p = 0.4 + DEFAULT_WALKER_TEACHER.phaseOffsetRad;
      expect(out[1]).toBeCloseTo(Math.sin(p), 10);
      expect(out[2]).toBeCloseTo(Math.cos(p), 10);
    });

    it('makeTeacher checks option names and types against the teacher', () => {
      expect(() => makeTeacher('Walker-v1', { phaseFeedbak: 2 })).toThrow(
        /'Walker-v1' has no teacher option 'phaseFeedbak'; known: .*phaseFeedback/,
      );
      expect(() => makeTeacher('Walker-v1', { phaseFeedback: true })).toThrow(/option 'phaseFeedback' must be a number, got true/);
      expect(() => makeTeacher('Walker-v1', { phaseFeedback: -1 })).toThrow(/phaseFeedback must be >= 0/);
    });
  });
});
