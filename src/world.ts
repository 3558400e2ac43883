/**
 * The world snapshot: what an environment reports of its bodies for drawing (the visualizer, the
 * soak benchmark, the tests). One definition: `envs/core.ts` re-exports it for the envs, and
 * `src/viz` draws it, so `src/` keeps to its rule of never importing `envs/`.
 */

/** One rigid body of the world, for drawing. Coordinates in metres, y up. */
export interface BodySnapshot {
  readonly id: number;
  readonly label: string;
  readonly position: readonly [number, number];
  readonly angle: number;
  readonly vertices: ReadonlyArray<readonly [number, number]>;
  readonly isStatic: boolean;
}

export interface ConstraintSnapshot {
  readonly label: string;
  readonly a: readonly [number, number];
  readonly b: readonly [number, number];
}

/** Physical parameters of an env (SI, the unit in each name: `poleMassKg`, `gravityMS2`). */
export type EnvParams = Readonly<Record<string, number>>;

export interface WorldSnapshot {
  readonly time: number;
  /** The physical parameters in force this episode (absent for envs without any). */
  readonly params?: EnvParams;
  readonly bodies: readonly BodySnapshot[];
  readonly constraints: readonly ConstraintSnapshot[];
  readonly target?: readonly [number, number];
}
