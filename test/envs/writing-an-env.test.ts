/**
 * README "Writing an env": the ```js block is a whole env module on PhysicsEnv and the kit
 * helpers. Run exactly as written, it registers an env that passes checkEnv, stays short, and its
 * motor swings the rod up (so the helpers do what the text says, not only type-check).
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { REGISTRATION_API } from '../../agents/userModules.ts';
import { checkEnv, makeEnv } from '../../envs/index.ts';

const root = resolve(import.meta.dirname, '..', '..');
const dir = join(root, 'test', 'artifacts', `writing-an-env-${process.pid}`);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function envSnippet(): string {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const section = readme.split(/^### /m).find((s) => s.startsWith('Writing an env\n'));
  if (!section) throw new Error('README.md has no "### Writing an env" section');
  const m = /```js\n([\s\S]*?)```/.exec(section);
  if (!m) throw new Error('the "Writing an env" section has no ```js block');
  return m[1]!;
}

describe('README: writing an env', () => {
  it('the module registers an env that passes checkEnv, in under 60 lines', async () => {
    const code = envSnippet();
    expect(code.trim().split('\n').length).toBeLessThan(60);
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'my-rod.mjs');
    writeFileSync(file, code);
    const mod = (await import(pathToFileURL(file).href)) as { default: (api: typeof REGISTRATION_API) => void };
    mod.default(REGISTRATION_API);
    expect(checkEnv(makeEnv('Rod-v0'))).toBe(200);
    // a full push on the motor, in the direction the rod falls, lifts it: cos θ grows from the bottom (−1)
    const env = makeEnv('rod');
    let obs = env.reset({ seed: 3 }).observation;
    let best = obs[0]!;
    for (let t = 0; t < 100; t++) {
      obs = env.step([obs[2]! >= 0 ? 1 : -1]).observation;
      best = Math.max(best, obs[0]!);
    }
    expect(best).toBeGreaterThan(0);
    expect(env.snapshot().bodies.map((b) => b.label)).toEqual(['pivot', 'rod']);
  });
});
