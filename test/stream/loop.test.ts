import { describe, expect, it } from 'vitest';
import { map, take, toArray, firstValueFrom, of, type SchedulerLike } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { createClosedLoop } from '../../src/stream/loop.ts';
import { motorActuator } from '../../src/stream/actuator.ts';
import { MotorDecoder } from '../../src/encoding/motorDecoder.ts';
import type { SpikeTick } from '../../src/stream/events.ts';
import { bangBangPolicy, PointMassEnv } from './fakes.ts';

const testScheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

describe('closed loop, real-time pacing (virtual time)', () => {
  it('steps once per dtS of the env (20 ms) at speed 1 and every 10 ms at speed 2', () => {
    for (const [speed, marbles] of [
      [1, '0 19ms 1 19ms 2 19ms (3|)'],
      [2, '0 9ms 1 9ms 2 9ms (3|)'],
    ] as const) {
      testScheduler().run(({ expectObservable }) => {
        const loop = createClosedLoop({ env: new PointMassEnv(), policy: bangBangPolicy(), pace: { kind: 'realtime', speed } });
        expectObservable(
          loop.run$.pipe(
            map((s) => String(s.tick)),
            take(4),
          ),
        ).toBe(marbles);
      });
    }
  });

  it('unsubscribing stops the loop: no env steps and no scheduled work afterwards; a new subscription resumes', () => {
    const scheduler = testScheduler();
    const env = new PointMassEnv();
    const stepsAt: number[] = [];
    scheduler.run(({ expectObservable }) => {
      const loop = createClosedLoop({ env, policy: bangBangPolicy(), pace: { kind: 'realtime' } });
      expectObservable(loop.run$.pipe(map((s) => String(s.tick))), '^ 50ms !').toBe('0 19ms 1 19ms 2');
      expectObservable(loop.run$.pipe(map((s) => String(s.tick))), '100ms ^ 30ms !').toBe('100ms 3 19ms 4');
      scheduler.schedule(() => void stepsAt.push(env.steps), 90);
    });
    expect(stepsAt).toEqual([3]);
    expect(env.steps).toBe(5);
    expect(env.resets.length).toBe(1);
    expect(scheduler.actions.length).toBe(0);
  });

  it('after a stall it catches up at most maxCatchUp ticks at once and drops the rest of the backlog', () => {
    const inner = testScheduler();
    inner.run(({ expectObservable }) => {
      let offset = 0;
      // A clock that jumps 100 ms (5 periods) ahead at 50 ms, as if the process had stalled.
      const stalling: SchedulerLike = {
        now: () => inner.now() + offset,
        schedule: (work, delay, state) => inner.schedule(work as never, delay, state),
      };
      inner.schedule(() => {
        offset = 100;
      }, 50);
      const loop = createClosedLoop({
        env: new PointMassEnv(),
        policy: bangBangPolicy(),
        pace: { kind: 'realtime', maxCatchUp: 2 },
        scheduler: stalling,
      });
      expectObservable(
        loop.run$.pipe(
          map((s) => String(s.tick)),
          take(6),
        ),
      ).toBe('0 19ms 1 19ms 2 19ms (34) 16ms (5|)');
    });
  });
});

describe('closed loop, real-time pacing (real timers)', () => {
  it('never runs ahead of the wall clock: 6 ticks at 10 ms per tick take at least 50 ms', async () => {
    const loop = createClosedLoop({ env: new PointMassEnv(), policy: bangBangPolicy(), pace: { kind: 'realtime', speed: 2 } });
    const t0 = performance.now();
    const steps = await firstValueFrom(loop.run$.pipe(take(6), toArray()));
    expect(steps.length).toBe(6);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(49);
  });
});

describe('closed loop, as-fast-as-possible pacing', () => {
  it('completes at virtual time 0', () => {
    testScheduler().run(({ expectObservable }) => {
      const loop = createClosedLoop({
        env: new PointMassEnv(),
        policy: bangBangPolicy(),
        pace: { kind: 'fast', ticksPerChunk: 8 },
        episodes: 2,
        maxEpisodeSteps: 30,
      });
      expectObservable(
        loop.run$.pipe(
          toArray(),
          map((a) => String(a.length)),
        ),
      ).toBe('(n|)', { n: '60' });
    });
  });

  it('yields the event loop between chunks of ticksPerChunk ticks (real timers)', async () => {
    const env = new PointMassEnv();
    const loop = createClosedLoop({
      env,
      policy: bangBangPolicy(),
      pace: { kind: 'fast', ticksPerChunk: 8 },
      episodes: 4,
      maxEpisodeSteps: 30,
    });
    let done = false;
    loop.run$.subscribe({ complete: () => (done = true) });
    const seen: number[] = [];
    while (!done) {
      await new Promise<void>((r) => setImmediate(r));
      seen.push(env.steps);
    }
    expect(env.steps).toBe(120);
    expect(seen.every((n) => n % 8 === 0)).toBe(true);
    expect(new Set(seen).size).toBeGreaterThan(3);
  });

  it('episodes end on termination or maxEpisodeSteps, with env resets seeded seed + episode', async () => {
    const env = new PointMassEnv();
    const policy = bangBangPolicy();
    const loop = createClosedLoop({ env, policy, episodes: 3, seed: 10, maxEpisodeSteps: 40 });
    const summaries = firstValueFrom(loop.episodes$.pipe(take(3), toArray()));
    const steps = await firstValueFrom(loop.run$.pipe(toArray()));
    const eps = await summaries;
    expect(env.resets).toEqual([10, 11, 12]);
    expect(policy.resets).toBe(3);
    expect(eps.map((e) => e.steps).reduce((a, b) => a + b, 0)).toBe(steps.length);
    for (const e of eps) {
      expect(e.steps).toBeLessThanOrEqual(40);
      expect(e.terminated || e.steps === 40).toBe(true);
    }
    expect(steps.map((s) => s.tick)).toEqual(steps.map((_, i) => i));
  });
});

describe('closed loop taps and actuator', () => {
  it('taps see every tick without changing the trajectory', async () => {
    const run = async (tap: boolean) => {
      const loop = createClosedLoop({ env: new PointMassEnv(), policy: bangBangPolicy(), episodes: 2, maxEpisodeSteps: 30 });
      const seen: SpikeTick[] = [];
      const obs: number[] = [];
      if (tap) {
        loop.spikes$.subscribe((t) => seen.push(t));
        loop.observations$.subscribe((o) => obs.push(o.observation[0]!));
      }
      const steps = await firstValueFrom(loop.run$.pipe(toArray()));
      loop.dispose();
      return { xs: steps.map((s) => s.observation[0]), seen, obs, n: steps.length };
    };
    const plain = await run(false);
    const tapped = await run(true);
    expect(tapped.xs).toEqual(plain.xs);
    expect(tapped.seen.map((t) => t.tick)).toEqual(Array.from({ length: plain.n }, (_, i) => i));
    expect(tapped.seen[3]!.t0).toBe(3 * 4);
    expect(tapped.obs.length).toBe(plain.n + 2); // one reset observation per episode + one per step
  });

  it('the motor actuator operator decodes spike ticks exactly like the streaming MotorDecoder with mean readout', async () => {
    const substeps = 4;
    const ticks: SpikeTick[] = [0, 1, 1, 0, 1].map((n, tick) => ({
      tick,
      t0: tick * substeps,
      episode: 0,
      layers: [{ layer: 1, neurons: Uint32Array.of(n, n), times: Uint16Array.of(1, 3) }],
    }));
    const got = await firstValueFrom(of(...ticks).pipe(motorActuator({ layer: 1, channels: 1, substeps, scale: [10] }), toArray()));
    const dec = new MotorDecoder({ channels: 1 });
    ticks.forEach((t, i) => {
      let mean = 0;
      for (let k = 0; k < substeps; k++) {
        const fired = t.layers[0]!.times.includes(k) ? [t.layers[0]!.neurons[0]!] : [];
        mean += dec.stepEvents(fired)[0]! / substeps;
      }
      expect(got[i]![0]).toBeCloseTo(10 * mean, 12);
    });
  });

  it('drives the env with the actuator output instead of the policy action when one is given', async () => {
    const env = new PointMassEnv();
    const loop = createClosedLoop({
      env,
      policy: bangBangPolicy(),
      actuator: motorActuator({ layer: 1, channels: 1, substeps: 4, scale: [-1] }),
      episodes: 1,
      maxEpisodeSteps: 20,
    });
    const steps = await firstValueFrom(loop.run$.pipe(toArray()));
    // the policy pushes x away from 0; the negated actuator pulls it back, so x falls from its start 0.1
    expect(steps[0]!.action[0]).toBeLessThan(0);
    expect(steps.at(-1)!.observation[0]).toBeLessThan(0.1);
  });

  it('reports an actuator that emits nothing as an error naming the tick', async () => {
    const loop = createClosedLoop({ env: new PointMassEnv(), policy: bangBangPolicy(), actuator: () => of(), episodes: 1 });
    await expect(firstValueFrom(loop.run$)).rejects.toThrow(/emitted no action for tick 0/);
  });

  it('refuses a second concurrent run', async () => {
    const loop = createClosedLoop({ env: new PointMassEnv(), policy: bangBangPolicy(), pace: { kind: 'realtime' } });
    const sub = loop.run$.subscribe();
    await expect(firstValueFrom(loop.run$)).rejects.toThrow(/already running/);
    sub.unsubscribe();
  });
});
