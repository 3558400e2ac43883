/**
 * A perturbation spec: which wrappers, at which magnitudes. Two forms, validated the same way:
 *
 *   string   'pushes=0.08,noise=0.05,delay=1,mass=1.2'   (CLI, configs)
 *   object   { pushes: { impulseNs: 0.08 }, noise: 0.05, delay: 1, randomize: { mass: [0.8, 1.2] } }
 *
 * String keys:
 *   pushes=J              impulse per push, N·s (`RandomPushes`)
 *   push-interval=A:B     seconds between pushes, uniform (default 1:3)
 *   push-body=LABEL       pushed body (default per env, `PERTURBATION_DEFAULTS`)
 *   push-direction=horizontal|any
 *   noise=F               observation noise σ = F × the env's noise unit per dimension (`ObservationNoise`)
 *   delay=K               action delay in control steps (`ActionDelay`)
 *   GROUP=F | GROUP=A:B   domain randomisation (`DomainRandomization`) of every parameter in the group
 *                         (mass, length, gravity, friction, damping, strength) or of one parameter by
 *                         name (e.g. poleMassKg=0.5:2): factor uniform in [A, B]; a single F means
 *                         [1 − |F − 1|, 1 + |F − 1|], so mass=1.2 is ×[0.8, 1.2].
 *   'none' or '' is the nominal env.
 *
 * `perturbEnv` stacks the wrappers innermost first: domain randomisation, pushes, delay, noise.
 */
import { z } from 'zod';
import type { Env, EnvParams } from '../core.ts';
import { ActionDelay } from './actionDelay.ts';
import { DomainRandomization } from './domainRandomization.ts';
import { ObservationNoise } from './observationNoise.ts';
import { DEFAULT_PUSH_INTERVAL_S, RandomPushes, type PushOptions } from './pushes.ts';

const positive = z
  .number()
  .refine(Number.isFinite, 'must be finite')
  .refine((v) => v > 0, 'must be > 0');
const nonneg = z
  .number()
  .refine(Number.isFinite, 'must be finite')
  .refine((v) => v >= 0, 'must be >= 0');
const range = z.tuple([positive, positive]).refine(([a, b]) => a <= b, 'must be [min, max] with min <= max');

export const perturbationSpecSchema = z
  .object({
    pushes: z
      .object({
        impulseNs: nonneg,
        intervalS: range.optional(),
        body: z.string().min(1).optional(),
        direction: z.enum(['horizontal', 'any']).optional(),
      })
      .strict()
      .optional(),
    /** σ as a share of the env's noise unit per dimension, or absolute σ per dimension. */
    noise: z.union([nonneg, z.object({ sigma: z.array(nonneg).min(1) }).strict()]).optional(),
    delay: z.number().int('must be an integer').min(0).optional(),
    /** Parameter name or group → factor range on the nominal value. */
    randomize: z.record(z.string().min(1), range).optional(),
  })
  .strict();

export type PerturbationSpec = z.infer<typeof perturbationSpecSchema>;

/** Parameter groups of the string form: a parameter belongs to a group when its name matches. */
export const PARAM_GROUPS: Readonly<Record<string, RegExp>> = Object.freeze({
  mass: /[mM]assKg$/,
  length: /M$/,
  gravity: /^gravityMS2$/,
  friction: /Friction$/,
  damping: /Damping/,
  strength: /^(forceMagN|maxTorqueNm)$/,
});

export interface EnvPerturbationDefaults {
  /** Body pushed by default, and the push direction. */
  push: Pick<PushOptions, 'body' | 'direction'>;
  /**
   * Unit of the observation noise per dimension (`noise=F` gives σ = F × unit): the span that
   * matters for the task — the failure bound of a position or angle, 1 for a cos/sin, a fast but
   * ordinary speed for a velocity.
   */
  noiseUnit: readonly number[];
}

/** Per env: the body a push hits and the noise unit of each observation dimension (see each env's header table). */
export const PERTURBATION_DEFAULTS: Readonly<Record<string, EnvPerturbationDefaults>> = Object.freeze({
  // x (fail at 2.4 m), ẋ, θ (fail at 12° = 0.21 rad), θ̇
  'CartPoleContinuous-v1': { push: { body: 'pole', direction: 'horizontal' }, noiseUnit: [2.4, 1, 0.21, 1] },
  'CartPole-v1': { push: { body: 'pole', direction: 'horizontal' }, noiseUnit: [2.4, 1, 0.21, 1] },
  // cos θ, sin θ, θ̇ (bound 8 rad/s)
  'Pendulum-v1': { push: { body: 'rod', direction: 'horizontal' }, noiseUnit: [1, 1, 8] },
  // cos q1, cos q2, sin q1, sin q2, target x, y (reach 1 m), q̇1, q̇2, fingertip − target x, y
  'Reacher-v1': { push: { body: 'forearm', direction: 'any' }, noiseUnit: [1, 1, 1, 1, 1, 1, 5, 5, 1, 1] },
  // height (standing 0.42 m), torso angle (fall at 0.8 rad), vx, vy, ω, 8 joint angles, 8 joint speeds
  'Walker-v1': {
    push: { body: 'torso', direction: 'horizontal' },
    noiseUnit: [0.42, 0.8, 1, 1, 2, ...new Array<number>(8).fill(1), ...new Array<number>(8).fill(5)],
  },
});

/** Validates the object form; errors name the field. */
export function validatePerturbation(raw: unknown, where = 'perturbation'): PerturbationSpec {
  const r = perturbationSpecSchema.safeParse(raw);
  if (!r.success) {
    const lines = r.error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`);
    throw new Error(`${where}: ${lines.join('; ')}`);
  }
  return r.data;
}

function num(key: string, v: string): number {
  const x = Number(v);
  if (v.trim() === '' || !Number.isFinite(x)) throw new Error(`perturbation '${key}': '${v}' is not a number`);
  return x;
}

function parseRange(key: string, v: string, around1: boolean): [number, number] {
  const parts = v.split(':');
  if (parts.length === 2) return [num(key, parts[0]!), num(key, parts[1]!)];
  if (parts.length === 1 && around1) {
    const d = Math.abs(num(key, v) - 1);
    return [1 - d, 1 + d];
  }
  throw new Error(`perturbation '${key}': expected ${around1 ? 'F or ' : ''}MIN:MAX, got '${v}'`);
}

/** Parses the string form (see the module doc) and validates it. */
export function parsePerturbation(text: string): PerturbationSpec {
  const t = text.trim();
  if (t === '' || t === 'none' || t === 'nominal') return {};
  const spec: Record<string, unknown> = {};
  const pushes: Record<string, unknown> = {};
  const randomize: Record<string, [number, number]> = {};
  const seen = new Set<string>();
  for (const item of t.split(',')) {
    const eq = item.indexOf('=');
    if (eq < 0) throw new Error(`perturbation: '${item.trim()}' is not KEY=VALUE (e.g. pushes=0.08,noise=0.05,delay=1,mass=1.2)`);
    const key = item.slice(0, eq).trim();
    const value = item.slice(eq + 1).trim();
    if (seen.has(key)) throw new Error(`perturbation: '${key}' is given twice`);
    seen.add(key);
    switch (key) {
      case 'pushes':
        pushes['impulseNs'] = num(key, value);
        break;
      case 'push-interval':
        pushes['intervalS'] = parseRange(key, value, false);
        break;
      case 'push-body':
        pushes['body'] = value;
        break;
      case 'push-direction':
        pushes['direction'] = value;
        break;
      case 'noise':
        spec['noise'] = num(key, value);
        break;
      case 'delay':
        spec['delay'] = num(key, value);
        break;
      default:
        if (!/^[A-Za-z][A-Za-z0-9]*$/.test(key))
          throw new Error(
            `perturbation: unknown key '${key}'; known: pushes, push-interval, push-body, push-direction, noise, delay, ${Object.keys(PARAM_GROUPS).join(', ')} or a parameter name`,
          );
        randomize[key] = parseRange(key, value, true);
    }
  }
  if (Object.keys(pushes).length > 0) {
    if (pushes['impulseNs'] === undefined) throw new Error(`perturbation: push-interval/push-body/push-direction need pushes=N·s`);
    spec['pushes'] = pushes;
  }
  if (Object.keys(randomize).length > 0) spec['randomize'] = randomize;
  return validatePerturbation(spec, `perturbation '${t}'`);
}

/** The spec from either form. */
export function toPerturbation(spec: string | PerturbationSpec): PerturbationSpec {
  return typeof spec === 'string' ? parsePerturbation(spec) : validatePerturbation(spec);
}

const fmt = (x: number): string => String(Number(x.toPrecision(6)));

/** The canonical string form (`parsePerturbation(formatPerturbation(s))` equals `s`); 'none' for the nominal env. */
export function formatPerturbation(spec: PerturbationSpec): string {
  const parts: string[] = [];
  const p = spec.pushes;
  if (p) {
    parts.push(`pushes=${fmt(p.impulseNs)}`);
    if (p.intervalS) parts.push(`push-interval=${fmt(p.intervalS[0])}:${fmt(p.intervalS[1])}`);
    if (p.body) parts.push(`push-body=${p.body}`);
    if (p.direction) parts.push(`push-direction=${p.direction}`);
  }
  if (typeof spec.noise === 'number') parts.push(`noise=${fmt(spec.noise)}`);
  else if (spec.noise) throw new Error('formatPerturbation: absolute per-dimension noise has no string form');
  if (spec.delay !== undefined) parts.push(`delay=${spec.delay}`);
  for (const [k, [a, b]] of Object.entries(spec.randomize ?? {})) parts.push(`${k}=${fmt(a)}:${fmt(b)}`);
  return parts.length ? parts.join(',') : 'none';
}

/** Factor ranges per parameter name: groups expanded against the env's parameters; errors name what matches nothing. */
export function expandRandomize(
  envId: string,
  params: EnvParams | undefined,
  randomize: Readonly<Record<string, readonly [number, number]>>,
): Record<string, readonly [number, number]> {
  const names = Object.keys(params ?? {});
  if (names.length === 0) throw new Error(`perturbation: ${envId} has no physical parameters to randomise`);
  const out: Record<string, readonly [number, number]> = {};
  for (const [key, r] of Object.entries(randomize)) {
    const group = PARAM_GROUPS[key];
    const hits = group ? names.filter((n) => group.test(n)) : names.filter((n) => n === key);
    if (hits.length === 0) {
      throw new Error(
        group
          ? `perturbation '${key}': ${envId} has no parameter in this group; its parameters: ${names.join(', ')}`
          : `perturbation: unknown key '${key}' for ${envId}; groups: ${Object.keys(PARAM_GROUPS).join(', ')}; parameters: ${names.join(', ')}`,
      );
    }
    for (const h of hits) {
      if (out[h]) throw new Error(`perturbation: parameter '${h}' is randomised twice (by '${key}' and another key)`);
      out[h] = r;
    }
  }
  return out;
}

/** Noise σ per observation dimension for the spec's `noise` on this env. */
export function noiseSigma(envId: string, noise: NonNullable<PerturbationSpec['noise']>): readonly number[] {
  if (typeof noise !== 'number') return noise.sigma;
  const d = PERTURBATION_DEFAULTS[envId];
  if (!d) throw new Error(`perturbation 'noise': no noise unit is defined for ${envId}; give absolute { sigma: [...] }`);
  return d.noiseUnit.map((u) => u * noise);
}

/**
 * Wraps a bare env (no TimeLimit yet) in the spec's wrappers: domain randomisation innermost, then
 * pushes, action delay and observation noise. An empty spec returns `env` itself.
 */
export function perturbEnv(env: Env, spec: string | PerturbationSpec): Env {
  const s = toPerturbation(spec);
  let e = env;
  if (s.randomize && Object.keys(s.randomize).length > 0)
    e = new DomainRandomization(e, { factors: expandRandomize(env.id, env.params, s.randomize) });
  if (s.pushes) {
    const d = PERTURBATION_DEFAULTS[env.id]?.push;
    const body = s.pushes.body ?? d?.body;
    if (!body) throw new Error(`perturbation 'pushes': no default body for ${env.id}; give push-body=LABEL`);
    e = new RandomPushes(e, {
      impulseNs: s.pushes.impulseNs,
      intervalS: s.pushes.intervalS ?? DEFAULT_PUSH_INTERVAL_S,
      body,
      direction: s.pushes.direction ?? d?.direction ?? 'any',
    });
  }
  if (s.delay) e = new ActionDelay(e, { steps: s.delay });
  if (s.noise !== undefined) e = new ObservationNoise(e, { sigma: noiseSigma(env.id, s.noise) });
  return e;
}
