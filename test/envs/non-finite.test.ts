import Matter from 'matter-js';
import { describe, expect, it } from 'vitest';
import { listEnvs, makeEnv } from '../../envs/index.ts';
import type { Env } from '../../envs/core.ts';

/** The matter bodies behind an env (tests only: reaches past the TimeLimit wrapper and `protected`). */
function bodiesOf(env: Env): Matter.Body[] {
  const inner = (env as unknown as { inner?: Env }).inner ?? env;
  return (inner as unknown as { physics: { bodies: Matter.Body[] } }).physics.bodies;
}

describe('a non-finite world ends the episode with a clear error instead of carrying NaN on', () => {
  for (const id of listEnvs()) {
    it(`${id}: terminated with info.error, reward 0, on the step where the state blew up`, () => {
      const env = makeEnv(id);
      env.reset({ seed: 0 });
      const action = env.actionSpace.kind === 'discrete' ? 0 : new Float64Array(env.actionSpace.low.length);
      env.step(action);
      // Corrupt one dynamic body as an overflow in the solver would.
      const body = bodiesOf(env).find((b) => !b.isStatic)!;
      Matter.Body.setVelocity(body, { x: NaN, y: 0 });
      const r = env.step(action);
      expect(r.terminated).toBe(true);
      expect(r.reward).toBe(0);
      expect(String(r.info.error)).toMatch(new RegExp(`${id}: the simulation produced a non-finite state \\(observation\\[\\d+\\] = NaN`));
    });
  }

  it('a push far from the body is refused by the env, naming the distance, and the world stays finite', () => {
    for (const id of ['pendulum', 'reacher', 'walker', 'cartpole']) {
      const env = makeEnv(id);
      env.reset({ seed: 1 });
      const body = env.snapshot().bodies.find((b) => !b.isStatic)!;
      const before = env.snapshot();
      expect(() => env.applyImpulse!(body.id, [1.7e308, 0], [1, 0])).toThrow(
        /applyImpulse: point \[1\.7e\+308,0\] is .* m from body \d+'s centre; a push must land within/,
      );
      expect(env.snapshot()).toEqual(before);
      // A push on the body itself still works.
      env.applyImpulse!(body.id, [body.position[0], body.position[1]], [0.1, 0]);
      const action = env.actionSpace.kind === 'discrete' ? 0 : new Float64Array(env.actionSpace.low.length);
      const r = env.step(action);
      expect(Array.from(r.observation).every(Number.isFinite)).toBe(true);
    }
  });
});
