/**
 * Action delay: the action given at step t is executed at step t + k (a sensing-to-actuation lag of
 * k control periods). The first k steps of an episode execute the zero action (clipped into a Box
 * space; action 0 of a Discrete one). Deterministic: it draws nothing.
 */
import type { Action, Env, ResetOptions, ResetResult, StepResult } from '../core.ts';
import { EnvWrapper } from '../wrappers.ts';

export interface ActionDelayOptions {
  /** Delay in control steps (0 passes actions through). */
  steps: number;
}

export class ActionDelay extends EnvWrapper {
  readonly steps: number;
  private queue: Action[] = [];

  constructor(inner: Env, options: ActionDelayOptions) {
    super(inner);
    if (!(Number.isInteger(options.steps) && options.steps >= 0))
      throw new Error(`ActionDelay: steps must be an integer >= 0, got ${options.steps}`);
    this.steps = options.steps;
  }

  override reset(opts?: ResetOptions): ResetResult {
    const zero = this.zeroAction();
    this.queue = Array.from({ length: this.steps }, () => zero);
    return this.inner.reset(opts);
  }

  override step(action: Action): StepResult {
    if (this.steps === 0) return this.inner.step(action);
    // A copy: callers may reuse their action buffer.
    this.queue.push(typeof action === 'number' ? action : Float64Array.from(action));
    return this.inner.step(this.queue.shift()!);
  }

  private zeroAction(): Action {
    const s = this.actionSpace;
    if (s.kind === 'discrete') return 0;
    return Float64Array.from(s.low, (lo, i) => Math.min(s.high[i]!, Math.max(lo, 0)));
  }
}
