/** Common interface of the classical controllers that spiking controllers learn to imitate. */
export interface Teacher {
  /** Clears internal state (integrators, oscillator phases); `seed` for any randomness. */
  reset(seed?: number): void;
  /** Action for one observation, already inside the env's action space. */
  act(observation: Float64Array): Float64Array;
}

export const clip = (x: number, lo: number, hi: number): number => (x < lo ? lo : x > hi ? hi : x);

/**
 * A teacher whose actions are `gain` times another's, clipped into [low, high] per channel: a
 * "hotter" teacher to label with. An imitator tends to come out with a little less gain than its
 * teacher, and the cart-pole LQR under the suite's pushes sits at a gain cliff (0.9× its gain:
 * 19/100 episodes reach 500, 1×: 96/100, 1.2×: 99/100; bench/notes/2026-12-02c-latency.md), so
 * labels from a 1.2× teacher put the student on the safe side of it. gain 1 returns the teacher itself.
 */
export function scaledTeacher(teacher: Teacher, gain: number, low: ArrayLike<number>, high: ArrayLike<number>): Teacher {
  if (!(gain > 0 && Number.isFinite(gain))) throw new Error(`scaledTeacher: gain must be a finite number > 0, got ${gain}`);
  if (gain === 1) return teacher;
  return {
    reset: (seed) => teacher.reset(seed),
    act(observation) {
      const a = teacher.act(observation);
      if (a.length !== low.length)
        throw new Error(`scaledTeacher: the teacher gave ${a.length} action values, the bounds have ${low.length}`);
      return Float64Array.from(a, (x, c) => clip(gain * x, low[c]!, high[c]!));
    },
  };
}
