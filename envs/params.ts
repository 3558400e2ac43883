/**
 * Physical parameters of an env (masses, lengths, friction, gravity, motor limits): a flat record of
 * SI numbers whose names carry the unit (`poleMassKg`, `gravityMS2`). Each env owns its frozen
 * defaults and the rule for each field; this module validates a user's partial override against
 * them (zod, errors name the field) so every env reports bad values the same way.
 *
 * Task constants (control period, thresholds, episode length) are not parameters: changing them
 * changes the task, not the body.
 */
import { z } from 'zod';

/** What a parameter may be: masses and lengths are `positive`, friction and damping `nonnegative`. */
export type ParamRule = 'positive' | 'nonnegative';

export type ParamRules<P> = { readonly [K in keyof P]: ParamRule };

const ruleSchema = (rule: ParamRule) => {
  const n = z
    .number({ error: (i) => (typeof i.input === 'number' ? 'must be finite' : 'must be a number') })
    .refine(Number.isFinite, 'must be finite');
  return rule === 'positive' ? n.refine((v) => v > 0, 'must be > 0') : n.refine((v) => v >= 0, 'must be >= 0');
};

/**
 * `{...base, ...given}` validated: `given` must be a plain object whose keys are parameter names
 * and whose values keep each rule. `where` prefixes errors (the env id).
 */
export function resolveParams<P extends object>(where: string, base: Readonly<P>, rules: ParamRules<P>, given: unknown): Readonly<P> {
  if (given === undefined) return Object.freeze({ ...base });
  const shape = Object.fromEntries(Object.entries(rules).map(([k, r]) => [k, ruleSchema(r as ParamRule)]));
  const r = z.object(shape).partial().strict().safeParse(given);
  if (!r.success) {
    const known = Object.keys(rules).join(', ');
    const lines = r.error.issues.map((i) => {
      if (i.code === 'unrecognized_keys') return `params: unknown parameter(s) ${i.keys.map((k) => `'${k}'`).join(', ')}; known: ${known}`;
      return `params${i.path.length ? '.' + i.path.join('.') : ''}: ${i.message}`;
    });
    throw new Error(`${where}: ${lines.join('; ')}`);
  }
  return Object.freeze({ ...base, ...(r.data as Partial<P>) });
}
