import { describe, expect, it } from 'vitest';
import { box, discrete } from '../../envs/spaces.ts';
import { createRng } from '../../src/util/random.ts';

describe('Box space', () => {
  it('samples inside its bounds, including half-open and unbounded dimensions', () => {
    const s = box([-1, 0, -Infinity, -Infinity], [1, Infinity, 5, Infinity]);
    for (let i = 0; i < 200; i++) expect(s.contains(s.sample())).toBe(true);
  });

  it('re-seeding repeats the same samples; an explicit rng overrides the own stream', () => {
    const s = box([0, 0], [1, 1]);
    s.seed(5);
    const a = Array.from(s.sample());
    s.seed(5);
    expect(Array.from(s.sample())).toEqual(a);
    expect(Array.from(s.sample(createRng(9)))).toEqual(Array.from(s.sample(createRng(9))));
  });

  it('rejects wrong length, NaN and out-of-range points', () => {
    const s = box([-1], [1]);
    expect(s.contains([0.5])).toBe(true);
    expect(s.contains([0.5, 0])).toBe(false);
    expect(s.contains([NaN])).toBe(false);
    expect(s.contains([1.01])).toBe(false);
  });

  it('names bad bounds', () => {
    expect(() => box([1], [0])).toThrow(/bad bounds at dim 0/);
    expect(() => box([0, 0], [1])).toThrow(/low has 2 dims but high has 1/);
  });
});

describe('Discrete space', () => {
  it('samples integers in 0..n-1 and checks membership', () => {
    const s = discrete(3, 1);
    const seen = new Set<number>();
    for (let i = 0; i < 100; i++) seen.add(s.sample());
    expect([...seen].sort()).toEqual([0, 1, 2]);
    expect(s.contains(2)).toBe(true);
    expect(s.contains(3)).toBe(false);
    expect(s.contains(1.5)).toBe(false);
    expect(() => discrete(0)).toThrow(/positive integer/);
  });
});
