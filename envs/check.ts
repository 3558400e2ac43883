/**
 * Generic env checker (Gymnasium `utils/env_checker.py`): the contract every registered env must
 * keep, checked the way an author needs to hear about it. Each problem names the method and what
 * is wrong, e.g. `checkEnv(My-v1): reset(): observation has length 3, observationSpace has 4`;
 * all problems found are reported together (a broken `reset` stops the checks that need it).
 * Returns the number of random-action steps it ran.
 *
 * Checked: the id, metadata and spaces (bounds, `sample` inside `contains`, `seed` reproducible);
 * `reset` and `step` return their named fields with the right types; observations are
 * Float64Arrays of the space's length, finite, inside the space (a step may leave it only when it
 * terminates) and not overwritten by later steps; rewards are finite; `reset({seed})` gives the
 * same observation twice, and the same seed and actions give the same episode; `snapshot()` has
 * what the visualizer draws (bodies with ids = indices, ≥ 2 vertices, finite geometry,
 * constraints, time, optional target and params).
 */
import type { Action, BoxSpace, Env, Space, WorldSnapshot } from './core.ts';
import { createRng, type Rng } from '../src/util/random.ts';
import { worldSnapshotProblems } from '../src/world.ts';

export interface CheckEnvOptions {
  /** Random-action steps to run. */
  steps: number;
  seed: number;
  /** Steps of the same-seed determinism check (at most `steps`). */
  determinismSteps: number;
}

export const DEFAULT_CHECK_ENV: Readonly<CheckEnvOptions> = Object.freeze({ steps: 200, seed: 0, determinismSteps: 50 });

/** Thrown when checks fail; the list of problems also travels as `problems`. */
export class EnvCheckError extends Error {
  constructor(
    readonly envId: string,
    readonly problems: readonly string[],
  ) {
    super(
      problems.length === 1
        ? `checkEnv(${envId}): ${problems[0]}`
        : `checkEnv(${envId}): ${problems.length} problems:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
    this.name = 'EnvCheckError';
  }
}

/** Stops the checks that depend on a broken part; what was found so far is reported. */
class Stop extends Error {}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const show = (v: unknown): string => (v instanceof Float64Array ? `Float64Array [${Array.from(v).join(', ')}]` : describe(v));

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return `an array [${v.slice(0, 8).map(String).join(', ')}${v.length > 8 ? ', …' : ''}]`;
  if (ArrayBuffer.isView(v)) return `a ${v.constructor.name}`;
  if (typeof v === 'object') return `an object with keys ${Object.keys(v).join(', ') || '(none)'}`;
  if (v === undefined) return 'undefined';
  return `${typeof v} ${String(v)}`;
}

/** Checks `env` against the contract; throws an `EnvCheckError` listing every problem found. */
export function checkEnv(env: Env, options: Partial<CheckEnvOptions> = {}): number {
  const o = { ...DEFAULT_CHECK_ENV, ...options };
  const problems: string[] = [];
  const id = typeof env?.id === 'string' && env.id.length > 0 ? env.id : '(no id)';
  const bad = (where: string, msg: string): void => void problems.push(`${where}: ${msg}`);
  const fatal = (where: string, msg: string): never => {
    bad(where, msg);
    throw new Stop();
  };
  /** Runs one call of the env's; an exception it throws is a problem of that method. */
  const call = <T>(where: string, f: () => T): T => {
    try {
      return f();
    } catch (e) {
      if (e instanceof Stop) throw e;
      return fatal(where, `threw ${e instanceof Error ? e.message : String(e)}`);
    }
  };
  const c: Checker = { bad, fatal, call };
  let steps = 0;
  try {
    checkShape(env, c);
    if (problems.length > 0) throw new Stop(); // the rest calls what is missing
    const obsLength = checkSpaces(env, o.seed, c);
    checkReset(env, o.seed, obsLength, c);
    steps = checkRandomSteps(env, o, obsLength, c);
    checkDeterminism(env, o, c);
    checkSnapshot(
      call('snapshot()', () => env.snapshot()),
      bad,
    );
  } catch (e) {
    if (!(e instanceof Stop)) throw e;
  }
  if (problems.length > 0) throw new EnvCheckError(id, problems);
  return steps;
}

type Report = (where: string, msg: string) => void;
interface Checker {
  bad: Report;
  fatal: (where: string, msg: string) => never;
  call: <T>(where: string, f: () => T) => T;
}

/** The methods and fields an env must have. */
function checkShape(env: Env, { bad, fatal }: Checker): void {
  if (typeof env !== 'object' || env === null) fatal('env', `must be an object, got ${describe(env)}`);
  if (typeof env.id !== 'string' || env.id.length === 0) bad('id', `must be a non-empty string, got ${describe(env.id)}`);
  for (const m of ['reset', 'step', 'snapshot', 'close'] as const)
    if (typeof env[m] !== 'function') bad(`${m}()`, `is missing (got ${describe(env[m])}); an Env has reset, step, snapshot and close`);
  const m = env.metadata as unknown;
  if (!isObject(m)) bad('metadata', `must be an object {dtS, substeps, controlHz, maxEpisodeSteps, lengthScaleM}, got ${describe(m)}`);
  else {
    const md = env.metadata;
    if (!(md.dtS > 0)) bad('metadata.dtS', `must be the control period in seconds (> 0), got ${String(md.dtS)}`);
    if (!(Number.isInteger(md.substeps) && md.substeps >= 1))
      bad('metadata.substeps', `must be an integer >= 1, got ${String(md.substeps)}`);
    if (!(Math.abs(md.controlHz * md.dtS - 1) <= 1e-9))
      bad('metadata.controlHz', `must be 1 / dtS = ${1 / md.dtS}, got ${String(md.controlHz)}`);
    if (!(Number.isInteger(md.maxEpisodeSteps) && md.maxEpisodeSteps >= 1))
      bad('metadata.maxEpisodeSteps', `must be an integer >= 1, got ${String(md.maxEpisodeSteps)}`);
    if (!(md.lengthScaleM > 0)) bad('metadata.lengthScaleM', `must be a length in metres (> 0), got ${String(md.lengthScaleM)}`);
  }
}

/** Spaces: a box observation space, a box or discrete action space, sampling inside them, reproducible seeding; returns the observation length. */
function checkSpaces(env: Env, seed: number, { bad, call }: Checker): number {
  const obs = env.observationSpace as BoxSpace | undefined;
  let obsLength = -1;
  if (!obs || obs.kind !== 'box') bad('observationSpace', `must be a box space (envs/spaces.ts box(low, high)), got ${describe(obs)}`);
  else obsLength = checkBox('observationSpace', obs, bad);
  const act = env.actionSpace as Space | undefined;
  if (!act || (act.kind !== 'box' && act.kind !== 'discrete')) {
    bad('actionSpace', `must be a box or discrete space, got ${describe(act)}`);
    return obsLength;
  }
  if (act.kind === 'box') checkBox('actionSpace', act, bad);
  else if (!(Number.isInteger(act.n) && act.n >= 1)) bad('actionSpace.n', `must be an integer >= 1, got ${String(act.n)}`);
  const rng = createRng(seed + 1);
  for (let i = 0; i < 5; i++) {
    const a = call('actionSpace.sample()', () => act.sample(rng));
    if (!act.contains(a as never)) {
      bad('actionSpace.sample()', `gave ${show(a)}, which actionSpace.contains() refuses`);
      break;
    }
    if (act.kind === 'box' && (a as Float64Array).length !== act.low.length) {
      bad('actionSpace.sample()', `gave ${(a as Float64Array).length} numbers, the space has ${act.low.length}`);
      break;
    }
  }
  const draw = (): string =>
    call('actionSpace.seed()', () => {
      act.seed(seed);
      return JSON.stringify([act.sample(), act.sample()], (_k, v: unknown) => (v instanceof Float64Array ? Array.from(v) : v));
    });
  if (draw() !== draw()) bad('actionSpace.seed()', 'the same seed gave different samples');
  return obsLength;
}

function checkBox(name: string, s: BoxSpace, bad: Report): number {
  const n = s.low?.length;
  if (!(s.low instanceof Float64Array) || !(s.high instanceof Float64Array) || s.high.length !== n) {
    bad(name, `low and high must be Float64Arrays of one length, got ${describe(s.low)} and ${describe(s.high)}`);
    return -1;
  }
  if (s.shape?.length !== 1 || s.shape[0] !== n) bad(`${name}.shape`, `must be [${n}], got ${JSON.stringify(s.shape)}`);
  for (let i = 0; i < n; i++) if (!(s.low[i]! <= s.high[i]!)) bad(name, `low[${i}] = ${s.low[i]} is not <= high[${i}] = ${s.high[i]}`);
  return n;
}

/** An observation: a Float64Array of the space's length, finite. Returns false when it is not. */
function checkObservation(where: string, ob: unknown, obsLength: number, bad: Report): ob is Float64Array {
  if (!(ob instanceof Float64Array)) {
    bad(where, `observation must be a Float64Array, got ${describe(ob)}`);
    return false;
  }
  if (obsLength >= 0 && ob.length !== obsLength) {
    bad(where, `observation has length ${ob.length}, observationSpace has ${obsLength}`);
    return false;
  }
  const nonFinite = Array.from(ob).findIndex((v) => !Number.isFinite(v));
  if (nonFinite >= 0) {
    bad(where, `observation[${nonFinite}] = ${ob[nonFinite]} is not finite`);
    return false;
  }
  return true;
}

function outsideSpace(env: Env, ob: Float64Array): string | undefined {
  const { low, high } = env.observationSpace;
  const i = Array.from(ob).findIndex((v, k) => !(v >= low[k]! && v <= high[k]!));
  return i < 0 ? undefined : `observation[${i}] = ${ob[i]} is outside observationSpace [${low[i]}, ${high[i]}]`;
}

/** `reset` returns {observation, info}, inside the space, and the same seed gives the same observation. */
function checkReset(env: Env, seed: number, obsLength: number, { bad, fatal, call }: Checker): void {
  const first = call('reset()', () => env.reset({ seed })) as unknown;
  if (!isObject(first)) fatal('reset()', `must return {observation, info}, got ${describe(first)}`);
  const r = first as { observation?: unknown; info?: unknown };
  if (!isObject(r.info)) bad('reset()', `info must be an object ({} when there is nothing to say), got ${describe(r.info)}`);
  if (!checkObservation('reset()', r.observation, obsLength, bad)) throw new Stop();
  const ob = Float64Array.from(r.observation);
  const outside = outsideSpace(env, ob);
  if (outside) bad('reset()', outside);
  const again = call('reset()', () => env.reset({ seed })).observation;
  const diff = Array.from(ob).findIndex((v, i) => !Object.is(v, again[i]));
  if (diff >= 0)
    bad(
      `reset({seed: ${seed}})`,
      `gave observation[${diff}] = ${ob[diff]}, then ${again[diff]} for the same seed; draw the start state from a stream seeded by reset (createRng(seed))`,
    );
}

/** Random actions from a seeded reset, resetting at the episode ends: every step's fields. */
function checkRandomSteps(env: Env, o: CheckEnvOptions, obsLength: number, { bad, fatal, call }: Checker): number {
  const rng = createRng(o.seed + 1);
  const start = call('reset()', () => env.reset({ seed: o.seed })).observation;
  const kept = Float64Array.from(start);
  let steps = 0;
  for (let t = 0; t < o.steps; t++) {
    const where = `step() #${t}`;
    const action = env.actionSpace.sample(rng) as Action;
    const r = call(where, () => env.step(action)) as unknown;
    steps++;
    if (!isObject(r)) fatal(where, `must return {observation, reward, terminated, truncated, info}, got ${describe(r)}`);
    const s = r as { observation?: unknown; reward?: unknown; terminated?: unknown; truncated?: unknown; info?: unknown };
    if (typeof s.reward !== 'number' || !Number.isFinite(s.reward))
      fatal(where, `reward must be a finite number, got ${describe(s.reward)}`);
    if (typeof s.terminated !== 'boolean' || typeof s.truncated !== 'boolean')
      fatal(where, `terminated and truncated must be booleans, got ${describe(s.terminated)} and ${describe(s.truncated)}`);
    if (!isObject(s.info)) fatal(where, `info must be an object, got ${describe(s.info)}`);
    if (!checkObservation(where, s.observation, obsLength, bad)) throw new Stop();
    const outside = outsideSpace(env, s.observation);
    if (outside && !s.terminated) fatal(where, `${outside} and the step did not terminate (leave the space only on a terminating step)`);
    if (t === 0 && Array.from(kept).some((v, i) => !Object.is(v, start[i])))
      bad('reset()', 'its observation array was changed by the next step(); return a new array each time');
    if (s.terminated || s.truncated) call('reset()', () => env.reset());
  }
  return steps;
}

/** The same seed and the same actions give the same observations, rewards and ends. */
function checkDeterminism(env: Env, o: CheckEnvOptions, { bad, call }: Checker): void {
  const n = Math.min(o.steps, o.determinismSteps);
  const run = (): number[][] => {
    const rng: Rng = createRng(o.seed + 7);
    const out = [Array.from(call('reset()', () => env.reset({ seed: o.seed })).observation)];
    for (let t = 0; t < n; t++) {
      const action = env.actionSpace.sample(rng) as Action;
      const r = call(`step() #${t}`, () => env.step(action));
      out.push([...r.observation, r.reward, Number(r.terminated), Number(r.truncated)]);
      if (r.terminated || r.truncated) break;
    }
    return out;
  };
  const a = run();
  const b = run();
  for (let t = 0; t < Math.max(a.length, b.length); t++) {
    const x = a[t];
    const y = b[t];
    const i = x && y ? x.findIndex((v, k) => !Object.is(v, y[k])) : 0;
    if (i < 0) continue;
    const what = t === 0 ? 'the first observation' : `step ${t - 1}`;
    bad(
      'step()',
      `not deterministic: after reset({seed: ${o.seed}}) and the same actions, ${what} differs (value ${i}: ${String(x?.[i])} then ${String(y?.[i])}); take every random draw from the stream reset seeds`,
    );
    return;
  }
}

const finitePair = (p: unknown): boolean => Array.isArray(p) && p.length === 2 && p.every((v) => Number.isFinite(v));

/**
 * What the visualizer draws: the snapshot's fields and their types here, then the drawing rules of
 * `worldSnapshotProblems` (src/world.ts: ids = indices, outlines, finite geometry, colours, view).
 */
function checkSnapshot(snap: WorldSnapshot, bad: Report): void {
  if (!isObject(snap)) {
    bad('snapshot()', `must return {time, bodies, constraints}, got ${describe(snap)}`);
    return;
  }
  if (!Number.isFinite(snap.time)) bad('snapshot()', `time must be a finite number of seconds, got ${describe(snap.time)}`);
  if (!Array.isArray(snap.bodies)) return bad('snapshot()', `bodies must be an array, got ${describe(snap.bodies)}`);
  if (!Array.isArray(snap.constraints))
    return bad('snapshot()', `constraints must be an array ([] when none), got ${describe(snap.constraints)}`);
  const malformed = snap.bodies.findIndex(
    (b) => !isObject(b) || !Array.isArray(b.vertices) || !finitePair(b.position) || typeof b.label !== 'string',
  );
  if (malformed >= 0)
    return bad(`snapshot() body ${malformed}`, 'must be {id, label, position: [x, y], angle, vertices: [[x, y], …], isStatic}');
  const badConstraint = snap.constraints.findIndex((c) => !isObject(c) || !Array.isArray(c.a) || !Array.isArray(c.b));
  if (badConstraint >= 0) return bad(`snapshot() constraint ${badConstraint}`, 'must be {label, a: [x, y], b: [x, y]}');
  if (snap.target !== undefined && !finitePair(snap.target))
    bad('snapshot()', `target must be a finite [x, y], got ${describe(snap.target)}`);
  if (snap.params !== undefined) {
    if (!isObject(snap.params)) bad('snapshot()', `params must be a record of numbers, got ${describe(snap.params)}`);
    else
      for (const [k, v] of Object.entries(snap.params))
        if (!Number.isFinite(v)) bad('snapshot()', `params.${k} must be a finite number, got ${describe(v)}`);
  }
  const draw = worldSnapshotProblems(snap);
  // one problem, in the words the visualizer's tests use
  if (draw.length > 0) bad('the visualizer cannot draw the snapshot', draw.join('; '));
}
