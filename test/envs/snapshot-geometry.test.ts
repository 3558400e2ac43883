/**
 * The world snapshot carries what the page needs to draw any matter-js body with no code per env:
 * outlines in metres with y up, convex parts of compound bodies, circles, colour hints, hidden
 * bodies, constraint anchors and a camera hint; `worldSnapshotProblems` names what cannot be drawn.
 */
import Matter from 'matter-js';
import { describe, expect, it } from 'vitest';
import { addBody, addPin, createPhysics, PX_PER_M, snapshotPhysics, styleBody } from '../../envs/physics.ts';
import { checkEnv, makeEnv } from '../../envs/index.ts';
import { worldSnapshotProblems, type WorldSnapshot } from '../../src/world.ts';
import { loadUserModules } from '../../cli/userModules.ts';

const { Bodies, Body } = Matter;
const S = PX_PER_M;

function world() {
  const p = createPhysics({ contacts: false, gravityMS2: 0 });
  addBody(p, Bodies.rectangle(0, 0.5 * S, 4 * S, 0.1 * S, { isStatic: true, label: 'floor' }), 0, 0);
  // a wheel of radius 0.25 m centred at (1, 2) m (matter's y points down)
  const wheel = addBody(p, styleBody(Bodies.circle(1 * S, -2 * S, 0.25 * S, { label: 'wheel' }), { fill: '#ff00ff' }), 1, 0.03);
  // an L made of two bars: a compound body
  const bar1 = Bodies.rectangle(0, 0, 0.6 * S, 0.1 * S);
  const bar2 = Bodies.rectangle(-0.25 * S, -0.25 * S, 0.1 * S, 0.6 * S);
  addBody(p, Body.create({ parts: [bar1, bar2], label: 'ell' }), 2, 0.1);
  addBody(p, Bodies.rectangle(-1 * S, 0, 0.2 * S, 0.2 * S, { label: 'sensor', render: { visible: false } }), 0.1, 0.001);
  addPin(p, 'axle', undefined, [1, 2], wheel, [0, 0]);
  return p;
}

describe('world snapshot geometry', () => {
  it('reports circles, compound parts, styles and hidden bodies of a matter world in metres, y up', () => {
    const snap = snapshotPhysics(world(), undefined, { minX: -2, maxX: 2, minY: -1, maxY: 3 });
    const [floor, wheel, ell, sensor] = snap.bodies;
    expect(snap.bodies.map((b) => b.label)).toEqual(['floor', 'wheel', 'ell', 'sensor']);

    expect(floor!.isStatic).toBe(true);
    expect(floor!.position[1]).toBeCloseTo(-0.5, 12);
    expect(floor!.parts).toBeUndefined();
    expect(floor!.circleRadiusM).toBeUndefined();

    expect(wheel!.position[0]).toBeCloseTo(1, 12);
    expect(wheel!.position[1]).toBeCloseTo(2, 12);
    expect(wheel!.circleRadiusM).toBeCloseTo(0.25, 12);
    expect(wheel!.style).toEqual({ fill: '#ff00ff' });
    // the outline points all lie on the circle (matter's polygon approximation)
    for (const [x, y] of wheel!.vertices) expect(Math.hypot(x - 1, y - 2)).toBeCloseTo(0.25, 4);

    expect(ell!.parts).toHaveLength(2);
    const spans = ell!.parts!.map((part) => {
      const xs = part.map((v) => v[0]);
      const ys = part.map((v) => v[1]);
      return [Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys)].map((d) => Number(d.toFixed(9)));
    });
    expect(spans).toEqual([
      [0.6, 0.1],
      [0.1, 0.6],
    ]);
    // the vertical bar is above the horizontal one in SI (y up)
    const top = (part: ReadonlyArray<readonly [number, number]>) => Math.max(...part.map((v) => v[1]));
    expect(top(ell!.parts![1]!)).toBeGreaterThan(top(ell!.parts![0]!));

    expect(sensor!.style).toEqual({ hidden: true });
    expect(snap.constraints).toEqual([{ label: 'axle', a: [1, 2], b: [expect.closeTo(1, 9), expect.closeTo(2, 9)] }]);
    expect(snap.view).toEqual({ minX: -2, maxX: 2, minY: -1, maxY: 3 });
    expect(worldSnapshotProblems(snap)).toEqual([]);
  });

  it('circle spoke angle follows the body: a turned wheel reports its angle', () => {
    const p = world();
    Body.setAngle(p.bodies[1]!, -Math.PI / 4); // matter's angles are clockwise
    expect(snapshotPhysics(p).bodies[1]!.angle).toBeCloseTo(Math.PI / 4, 12);
  });

  it('names what the page cannot draw', () => {
    const good = snapshotPhysics(world());
    const bad: WorldSnapshot = {
      ...good,
      bodies: good.bodies.map((b, i) =>
        i === 1
          ? { ...b, circleRadiusM: -1, style: { fill: 'red; background: url(x)' } }
          : i === 2
            ? { ...b, id: 7, parts: [[[0, 0]]] }
            : b,
      ),
      constraints: [{ label: 'rope', a: [0, Number.NaN], b: [0, 0] }],
      view: { minX: 1, maxX: 0, minY: 0, maxY: 1 },
    };
    const problems = worldSnapshotProblems(bad);
    expect(problems).toEqual([
      "snapshot body 1 ('wheel'): circleRadiusM must be a finite number > 0, got -1",
      "snapshot body 1 ('wheel'): style.fill 'red; background: url(x)' is not a hex colour (#rgb, #rrggbb, #rrggbbaa)",
      "snapshot body 2 ('ell') has id 7; ids must be the body indices",
      "snapshot body 2 ('ell'): part 0 has fewer than 3 vertices",
      "snapshot constraint 0 ('rope') has non-finite geometry",
      'snapshot view must have maxX > minX and maxY > minY, got {"minX":1,"maxX":0,"minY":0,"maxY":1}',
    ]);
    expect(worldSnapshotProblems({ time: 0, bodies: [], constraints: [] })).toEqual(['snapshot has no bodies']);
  });

  it('cartpole keeps its whole track in view and colours its cart and pole through style hints', () => {
    const env = makeEnv('cartpole');
    env.reset({ seed: 0 });
    const snap = env.snapshot();
    expect(snap.view).toEqual({ minX: -2.8, maxX: 2.8, minY: -0.4, maxY: 1.3 });
    const cart = snap.bodies.find((b) => b.label === 'cart')!;
    expect(cart.style?.stroke).toBe('#4fd1c5');
    expect(worldSnapshotProblems(snap)).toEqual([]);
  });

  it("checkEnv rejects a user env whose snapshot the page cannot draw, and passes the puck fixture's", async () => {
    await loadUserModules(['test/fixtures/user/puck.mjs']);
    const puck = makeEnv('puck');
    expect(checkEnv(puck)).toBeGreaterThan(0);
    const broken = makeEnv('puck');
    const snapshot = broken.snapshot.bind(broken);
    broken.snapshot = () => ({ ...snapshot(), view: { minX: 0, maxX: 0, minY: 0, maxY: 1 } });
    expect(() => checkEnv(broken)).toThrow(
      /checkEnv\(Puck-v1\): the visualizer cannot draw the snapshot: snapshot view must have maxX > minX/,
    );
  });
});
