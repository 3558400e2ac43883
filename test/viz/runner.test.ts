import { describe, expect, it } from 'vitest';
import { RealtimeRunner } from '../../src/viz/runner.ts';
import { fakeSledSimulation } from './fakeWorld.ts';

const noHooks = { onTick: () => {}, onEpisode: () => {}, onWake: () => {}, onError: () => {} };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('RealtimeRunner clock under commands', () => {
  it('reports the true RTF while reset and speed commands keep arriving (the window is never restarted by them)', async () => {
    // 30 ms of work per 20 ms tick: at most 0.67 of real time is possible.
    const runner = new RealtimeRunner(fakeSledSimulation({ stepCostMs: 30 }).sim, noHooks);
    runner.start();
    try {
      const tick0 = runner.tick;
      const t0 = performance.now();
      // Commands from the start, 100 ms apart: the old window (restarted by each) never filled.
      for (let k = 0; k < 15; k++) {
        await sleep(100);
        if (k % 2) runner.reset();
        else runner.setSpeed(1);
      }
      const measured = (runner.tick - tick0) / 50 / ((performance.now() - t0) / 1000);
      expect(measured).toBeLessThan(0.75);
      expect(Math.abs(runner.rtf - measured)).toBeLessThan(0.15);
    } finally {
      runner.stop();
    }
  });

  it('keeps the tick rate when speed commands arrive faster than the tick period allows a re-anchor', async () => {
    const runner = new RealtimeRunner(fakeSledSimulation().sim, noHooks);
    runner.start();
    try {
      await sleep(200);
      const tick0 = runner.tick;
      const t0 = performance.now();
      // One command every 34 ms (29/s): re-anchoring on each would cap 50 Hz at ~29 Hz.
      while (performance.now() - t0 < 1500) {
        await sleep(34);
        runner.setSpeed(1);
      }
      const hz = (runner.tick - tick0) / ((performance.now() - t0) / 1000);
      expect(hz).toBeGreaterThan(45);
      expect(hz).toBeLessThan(55);
    } finally {
      runner.stop();
    }
  });

  it('a speed change applies from the tick in progress on', async () => {
    const runner = new RealtimeRunner(fakeSledSimulation().sim, noHooks);
    runner.start();
    try {
      await sleep(200);
      runner.setSpeed(4);
      const tick0 = runner.tick;
      const t0 = performance.now();
      await sleep(1000);
      const hz = (runner.tick - tick0) / ((performance.now() - t0) / 1000);
      expect(hz).toBeGreaterThan(180);
      expect(hz).toBeLessThan(220);
      expect(runner.rtf).toBeGreaterThan(0.85);
    } finally {
      runner.stop();
    }
  });
});
