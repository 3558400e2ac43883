/**
 * A user's own body in the live page, in headless Chromium: an env registered by a plain-JS
 * `--env-module` (test/fixtures/user/puck.mjs) that has no drawing code and no teacher is drawn
 * from its snapshot alone, a person drives it with the arrow keys (the keyboard controller), and
 * the session is written as a demonstrations file that the demos loader reads back.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, launchChromium, openPage, skipBrowserTests, type PageWindow } from '../support/chromium.ts';
import { loadUserModules } from '../../cli/userModules.ts';
import { createVizFactory } from '../../cli/vizSession.ts';
import { readDemos } from '../../agents/demos.ts';
import { startVizServer, type VizServer } from '../../src/viz/server.ts';

/**
 * Pixels of the puck's fill (#ff00ff) on the world canvas: how many, where their centre is in
 * the page (CSS px), and where the snapshot's puck position projects to.
 */
function puckOnCanvas(
  page: Page,
): Promise<{ count: number; drawnX: number; drawnY: number; expectX: number; expectY: number; worldX: number }> {
  return page.evaluate(() => {
    const s = (window as unknown as PageWindow).spikeloop;
    const c = document.getElementById('world') as HTMLCanvasElement;
    const r = c.getBoundingClientRect();
    const k = r.width / c.width;
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let count = 0;
    let sumX = 0;
    let sumY = 0;
    for (let i = 0; i < d.length; i += 4)
      if (d[i]! > 200 && d[i + 1]! < 60 && d[i + 2]! > 200) {
        count++;
        sumX += (i / 4) % c.width;
        sumY += Math.floor(i / 4 / c.width);
      }
    const puck = s.state.world.bodies.find((b) => b.label === 'puck')!;
    const expected = s.worldToClient(puck.position[0], puck.position[1]);
    return {
      count,
      drawnX: r.left + (sumX / count) * k,
      drawnY: r.top + (sumY / count) * k,
      expectX: expected.x,
      expectY: expected.y,
      worldX: puck.position[0],
    };
  });
}

let browser: Browser | undefined;
let server: VizServer | undefined;
const dir = mkdtempSync(join(tmpdir(), 'spikeloop-userviz-'));
afterAll(async () => {
  await browser?.close();
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(skipBrowserTests)("a user's env in the live page", () => {
  it('is drawn from its snapshot alone, driven with the arrow keys, and recorded as demonstrations', async () => {
    await loadUserModules(['test/fixtures/user/puck.mjs']);
    const file = join(dir, 'puck.jsonl');
    const session = createVizFactory({ record: file, env: 'puck' });
    expect(session.defaultController('puck')).toBe('keyboard');
    server = await startVizServer(
      session.factory,
      { env: 'puck', controller: 'keyboard' },
      { port: 0, envs: session.envs, controllers: session.controllers },
    );
    browser = await launchChromium();
    const { page, pageErrors } = await openPage(browser);
    await page.goto(server.url);
    await page.waitForFunction(() => (window as unknown as PageWindow).spikeloop?.state.counters.snapshots > 3, undefined, {
      timeout: 15000,
    });
    expect(await page.textContent('#keys')).toMatch(/recording to .*puck\.jsonl.*← → \/ A D: a0 −\/\+ · ↓ ↑ \/ S W: a1 −\/\+/);

    // Paused, on a known episode (seed 7 starts the puck inside x ∈ [−1, 1]), stepping by hand:
    // the drive below is the same however loaded the machine is.
    await page.click('#pause');
    await page.waitForFunction(() => (window as unknown as PageWindow).spikeloop.state.paused === true);
    server.runner.reset(7);
    /** Clicks Step n times (each one tick) and waits until the page has drawn the last of them. */
    const steps = async (n: number): Promise<void> => {
      const target = server!.stats().tick + n;
      for (let i = 0; i < n; i++) await page.click('#step');
      await page.waitForFunction((t) => (window as unknown as PageWindow).spikeloop.state.world.tick >= t, target);
      expect(server!.stats().tick).toBe(target);
      await page.waitForTimeout(150); // a few animation frames draw the last snapshot
    };
    await steps(1);

    // The puck (a circle filled #ff00ff in its snapshot's style) is drawn where its snapshot puts
    // it: a disc of radius 0.15 m at ≥ 60 px/m covers well over 100 pixels, centred on it.
    const before = await puckOnCanvas(page);
    expect(before.count).toBeGreaterThan(100);
    expect(Math.abs(before.drawnX - before.expectX)).toBeLessThan(2);
    expect(Math.abs(before.drawnY - before.expectY)).toBeLessThan(2);

    // Hold → for 20 steps (1 s): the puck accelerates to the right, in the world and on the canvas
    // (Δx = Σ 0.05·0.05·k·(1 − drag) ≈ 0.5 m).
    const episode = server.stats().episode;
    await page.keyboard.down('ArrowRight');
    await steps(20);
    await page.keyboard.up('ArrowRight');
    const after = await puckOnCanvas(page);
    expect(server.stats().episode).toBe(episode);
    expect(after.worldX).toBeGreaterThan(before.worldX + 0.3);
    expect(after.count).toBeGreaterThan(100);
    expect(after.drawnX).toBeGreaterThan(before.drawnX + 10);
    expect(Math.abs(after.drawnX - after.expectX)).toBeLessThan(2);
    expect(pageErrors).toEqual([]);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'viz-user-env.png') });

    // Closing the session finishes the recording: the steps with → held carry the action [1, 0].
    await server.close();
    server = undefined;
    const summary = session.close()!;
    const episodes = readDemos(file);
    expect(summary.steps).toBe(episodes.reduce((n, e) => n + e.steps.length, 0));
    const recorded = episodes.flatMap((e) => e.steps);
    expect(recorded[0]!.observation).toHaveLength(4);
    // the last episode is the one driven by hand: one idle step, then 20 with → held
    const driven = episodes.at(-1)!.steps.map((s) => Array.from(s.action));
    expect(driven).toEqual([[0, 0], ...Array.from({ length: 20 }, () => [1, 0])]);
    for (const s of recorded) expect([-1, 0, 1]).toContain(s.action[0]);
  });
});
