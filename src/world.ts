/**
 * The world snapshot: what an environment reports of its bodies for drawing (the visualizer, the
 * soak benchmark, the tests). One definition: `envs/core.ts` re-exports it for the envs, and
 * `src/viz` draws it, so `src/` keeps to its rule of never importing `envs/`.
 *
 * The snapshot alone is enough to draw any env: the page has no drawing code per env. Each body
 * is its outline (`vertices`, convex `parts` for a compound body, or a circle), placed at
 * `position` and turned by `angle`; constraints are segments between their two world anchors.
 * Colours and the camera's region are optional hints; without them the page picks a palette
 * colour per body and frames the moving bodies.
 *
 * | field                 | unit / form                         | required |
 * |-----------------------|-------------------------------------|----------|
 * | body.vertices         | world points, m, y up (≥ 2)          | yes      |
 * | body.parts            | convex outlines of a compound body   | no       |
 * | body.circleRadiusM    | the body is a circle of this radius  | no       |
 * | body.style            | `{fill, stroke, hidden}` hex colours | no       |
 * | constraint.style      | `{stroke, hidden}`                   | no       |
 * | world.view            | `{minX, maxX, minY, maxY}`, m        | no       |
 */

/** Drawing hints for one body or constraint; colours are CSS hex (`#rgb`, `#rrggbb`, `#rrggbbaa`). */
export interface ShapeStyle {
  readonly fill?: string;
  readonly stroke?: string;
  /** Not drawn at all (a sensor, a helper body). */
  readonly hidden?: boolean;
}

/** One rigid body of the world, for drawing. Coordinates in metres, y up. */
export interface BodySnapshot {
  readonly id: number;
  readonly label: string;
  readonly position: readonly [number, number];
  readonly angle: number;
  /** Outline in world coordinates (the convex hull for a compound body). */
  readonly vertices: ReadonlyArray<readonly [number, number]>;
  readonly isStatic: boolean;
  /** Outlines of a compound body's convex parts, world coordinates; drawn instead of `vertices`. */
  readonly parts?: ReadonlyArray<ReadonlyArray<readonly [number, number]>>;
  /** Set when the body is a circle (drawn as one, with a spoke showing its angle), m. */
  readonly circleRadiusM?: number;
  readonly style?: ShapeStyle;
}

export interface ConstraintSnapshot {
  readonly label: string;
  readonly a: readonly [number, number];
  readonly b: readonly [number, number];
  readonly style?: Omit<ShapeStyle, 'fill'>;
}

/** A world-space rectangle, m. */
export interface WorldBounds {
  readonly minX: number;
  readonly maxX: number;
  readonly minY: number;
  readonly maxY: number;
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
  /** Region the camera keeps in view besides the moving bodies (e.g. a track's ends), m. */
  readonly view?: WorldBounds;
}

const HEX_COLOUR = /^#(?:[0-9a-f]{3}|[0-9a-f]{6}|[0-9a-f]{8})$/i;

/**
 * Checks that a snapshot can be drawn: ids are the body indices, every coordinate is finite, an
 * outline has ≥ 2 points (a part ≥ 3), a circle's radius is > 0, colours are hex, and a view
 * hint is a non-empty rectangle. Returns the problems found, each naming the body or field; an
 * empty list means the page can draw it.
 */
export function worldSnapshotProblems(snap: WorldSnapshot): string[] {
  const problems: string[] = [];
  const finite = (where: string, xs: readonly number[]): void => {
    if (!xs.every(Number.isFinite)) problems.push(`${where} has non-finite geometry`);
  };
  const colour = (where: string, style: ShapeStyle | undefined): void => {
    for (const key of ['fill', 'stroke'] as const) {
      const c = style?.[key];
      if (c !== undefined && !HEX_COLOUR.test(c))
        problems.push(`${where}: style.${key} '${c}' is not a hex colour (#rgb, #rrggbb, #rrggbbaa)`);
    }
  };
  if (snap.bodies.length === 0) problems.push('snapshot has no bodies');
  snap.bodies.forEach((b, i) => {
    const where = `snapshot body ${i} ('${b.label}')`;
    if (b.id !== i) problems.push(`${where} has id ${b.id}; ids must be the body indices`);
    if (b.vertices.length < 2) problems.push(`${where} has fewer than 2 vertices`);
    finite(where, [...b.position, b.angle, ...b.vertices.flat()]);
    b.parts?.forEach((part, k) => {
      if (part.length < 3) problems.push(`${where}: part ${k} has fewer than 3 vertices`);
      finite(`${where} part ${k}`, part.flat());
    });
    if (b.circleRadiusM !== undefined && !(b.circleRadiusM > 0 && Number.isFinite(b.circleRadiusM)))
      problems.push(`${where}: circleRadiusM must be a finite number > 0, got ${b.circleRadiusM}`);
    colour(where, b.style);
  });
  snap.constraints.forEach((c, i) => {
    const where = `snapshot constraint ${i} ('${c.label}')`;
    finite(where, [...c.a, ...c.b]);
    colour(where, c.style);
  });
  if (snap.target) finite('snapshot target', [...snap.target]);
  if (snap.view) {
    const v = snap.view;
    finite('snapshot view', [v.minX, v.maxX, v.minY, v.maxY]);
    if (!(v.maxX > v.minX && v.maxY > v.minY))
      problems.push(`snapshot view must have maxX > minX and maxY > minY, got ${JSON.stringify(v)}`);
  }
  return problems;
}
