import { describe, expect, it } from 'vitest';
import { formatScore } from '../../agents/report.ts';

describe('score in log lines', () => {
  it('keeps four significant digits whatever the scale, so small scores still tell runs apart', () => {
    expect(formatScore(8.1234)).toBe('8.123');
    expect(formatScore(-157.3712)).toBe('-157.4');
    expect(formatScore(-0.031234)).toBe('-0.03123');
    expect(formatScore(-0.041)).toBe('-0.041');
    expect(formatScore(Number.NEGATIVE_INFINITY)).toBe('-Infinity');
  });
});
