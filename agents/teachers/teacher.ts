/** Common interface of the classical controllers that spiking controllers learn to imitate. */
export interface Teacher {
  /** Clears internal state (integrators, oscillator phases); `seed` for any randomness. */
  reset(seed?: number): void;
  /** Action for one observation, already inside the env's action space. */
  act(observation: Float64Array): Float64Array;
}

export const clip = (x: number, lo: number, hi: number): number => (x < lo ? lo : x > hi ? hi : x);
