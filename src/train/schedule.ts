/**
 * Learning-rate schedules as a function of the optimizer step k (updates taken before this one):
 *
 *   constant:  lr_k = lr
 *   step:      lr_k = lr · γ^⌊k / stepSize⌋
 *   cosine:    lr_k = minLr + ½(lr − minLr)(1 + cos(π · min(k, totalSteps) / totalSteps))
 *
 * Reference: Loshchilov & Hutter, "SGDR: stochastic gradient descent with warm restarts", ICLR 2017.
 */
export type LrSchedule =
  { kind: 'constant' } | { kind: 'step'; stepSize: number; gamma: number } | { kind: 'cosine'; totalSteps: number; minLr: number };

export const DEFAULT_SCHEDULE: Readonly<LrSchedule> = Object.freeze({ kind: 'constant' });

export function learningRate(schedule: LrSchedule, baseLr: number, step: number): number {
  switch (schedule.kind) {
    case 'constant':
      return baseLr;
    case 'step':
      if (!(schedule.stepSize >= 1)) throw new Error(`schedule.stepSize must be >= 1, got ${schedule.stepSize}`);
      return baseLr * schedule.gamma ** Math.floor(step / schedule.stepSize);
    case 'cosine': {
      if (!(schedule.totalSteps >= 1)) throw new Error(`schedule.totalSteps must be >= 1, got ${schedule.totalSteps}`);
      const p = Math.min(step, schedule.totalSteps) / schedule.totalSteps;
      return schedule.minLr + 0.5 * (baseLr - schedule.minLr) * (1 + Math.cos(Math.PI * p));
    }
  }
}
