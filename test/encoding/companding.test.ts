import { describe, expect, it } from 'vitest';
import { compressCommand, expandCommand } from '../../src/encoding/companding.ts';

describe('power-law command companding', () => {
  it('expand undoes compress over [−1, 1]', () => {
    for (const gamma of [1, 0.7, 0.5, 0.3]) {
      for (let c = -1; c <= 1; c += 0.05) expect(expandCommand(compressCommand(c, gamma), gamma)).toBeCloseTo(c, 12);
    }
  });

  it('gives small commands a larger share of the range, keeps sign, 0 and ±1', () => {
    expect(compressCommand(0.04, 0.5)).toBeCloseTo(0.2, 12);
    expect(compressCommand(-0.04, 0.5)).toBeCloseTo(-0.2, 12);
    expect(compressCommand(0, 0.5)).toBe(0);
    expect(compressCommand(1, 0.5)).toBe(1);
    expect(compressCommand(-1, 0.5)).toBe(-1);
    // an output error of 0.05 near zero moves the expanded command by far less than 0.05
    expect(Math.abs(expandCommand(0.05, 0.5))).toBeCloseTo(0.0025, 12);
  });

  it('rejects exponents outside (0, 1]', () => {
    expect(() => compressCommand(0.5, 0)).toThrow(/command exponent must be in \(0, 1\], got 0/);
    expect(() => expandCommand(0.5, 1.5)).toThrow(/command exponent must be in \(0, 1\], got 1.5/);
  });
});
