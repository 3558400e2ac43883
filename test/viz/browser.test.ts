/**
 * End to end in headless Chromium (Debian's /usr/bin/chromium driven by playwright-core):
 * the page connects, draws the world and the raster, and a mouse drag on a body pushes it.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, launchChromium, openPage, skipBrowserTests, type PageWindow } from '../support/chromium.ts';
import { createVizFactory } from '../../cli/vizSession.ts';
import { startVizServer, type VizServer } from '../../src/viz/server.ts';

let browser: Browser | undefined;
let server: VizServer | undefined;
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe.skipIf(skipBrowserTests)('viz page in headless Chromium', () => {
  it('connects, draws world and raster, and a drag pushes the body', async () => {
    // The same wiring as `spikeloop viz`: CartPoleContinuous-v1 + its LQR teacher as a spike source.
    const session = createVizFactory();
    server = await startVizServer(
      session.factory,
      { env: 'cartpole', controller: 'teacher' },
      { port: 0, envs: session.envs, controllers: session.controllers },
    );
    browser = await launchChromium();
    const { page, pageErrors } = await openPage(browser);
    await page.goto(server.url);
    await page.waitForFunction(
      () => {
        const c = (window as unknown as PageWindow).spikeloop?.state.counters;
        return c && c.snapshots > 3 && c.rasterColumns > 20;
      },
      undefined,
      { timeout: 15000 },
    );
    expect(await page.textContent('#conn')).toBe('live');

    // World canvas is not blank: enough pixels in the cart's colour (#4fd1c5, drawn over the background).
    const worldPixels = await page.evaluate(() => {
      const c = document.getElementById('world') as HTMLCanvasElement;
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let bright = 0;
      for (let i = 0; i < d.length; i += 4) if (d[i + 1]! > 120 && d[i + 2]! > 120) bright++;
      return bright;
    });
    expect(worldPixels).toBeGreaterThan(200);

    // Raster rows appear: coloured pixels in both layer bands.
    const raster = await page.evaluate(() => {
      const c = document.getElementById('raster') as HTMLCanvasElement;
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      const rows = new Set<number>();
      for (let i = 0; i < d.length; i += 4) if (d[i]! + d[i + 1]! + d[i + 2]! > 300) rows.add(Math.floor(i / 4 / c.width));
      return {
        rows: rows.size,
        height: c.height,
        spikes: (window as unknown as PageWindow).spikeloop.state.counters.spikesDrawn as number,
      };
    });
    expect(raster.spikes).toBeGreaterThan(0);
    expect(raster.rows).toBeGreaterThan(5);

    // A second tab watches the same run.
    const tab2 = await browser.newPage({ viewport: { width: 900, height: 600 } });
    await tab2.goto(server.url);
    await tab2.waitForFunction(() => (window as unknown as PageWindow).spikeloop?.state.counters.snapshots > 2, undefined, {
      timeout: 15000,
    });

    // Pause with the button, then drag the pole's middle to the right.
    await page.click('#pause');
    await page.waitForFunction(() => (window as unknown as PageWindow).spikeloop.state.paused === true);
    await tab2.waitForFunction(() => (window as unknown as PageWindow).spikeloop.state.paused === true);
    const pole = () =>
      page.evaluate(() => {
        const s = (window as unknown as PageWindow).spikeloop;
        const b = s.state.world.bodies.find((x: { label: string }) => x.label === 'pole')!;
        return {
          id: b.id as number,
          angle: b.angle as number,
          screen: s.worldToClient(b.position[0], b.position[1]) as { x: number; y: number },
        };
      });
    const before = await pole();
    await page.mouse.move(before.screen.x, before.screen.y);
    await page.mouse.down();
    // A short drag: a small impulse, so that one tick later the pole leans but has not yet fallen
    // past 12° (which would end the episode and start a new, upright one).
    await page.mouse.move(before.screen.x + 10, before.screen.y, { steps: 3 });
    await page.mouse.move(before.screen.x + 20, before.screen.y, { steps: 3 });
    await page.mouse.up();
    await tab2.waitForFunction(() => (window as unknown as PageWindow).spikeloop.state.pushes.length > 0, undefined, { timeout: 5000 });
    const pushed = await tab2.evaluate(
      () => (window as unknown as PageWindow).spikeloop.state.pushes[0] as { bodyId: number; impulse: [number, number] },
    );
    expect(pushed.bodyId).toBe(before.id);
    expect(pushed.impulse[0]).toBeGreaterThan(0.1);
    // One tick: the next snapshot (same episode) shows the pole rotated away from where it was.
    const episode = server.stats().episode;
    const tick = server.stats().tick;
    await page.click('#step');
    await page.waitForFunction(([t0]) => (window as unknown as PageWindow).spikeloop.state.world.tick > t0, [tick] as const, {
      timeout: 5000,
    });
    const after = await pole();
    expect(server.stats().episode).toBe(episode);
    expect(Math.abs(after.angle - before.angle)).toBeGreaterThan(0.02);

    // Resume, let the controller recover, and keep a screenshot for people to look at.
    await page.click('#pause');
    const tick0 = server.stats().tick;
    const t0 = performance.now();
    await page.waitForTimeout(1500);
    const rtf = (server.stats().tick - tick0) / 50 / ((performance.now() - t0) / 1000);
    console.log(
      `browser e2e: measured RTF ${rtf.toFixed(3)} with two tabs drawing; server-reported ${server.stats().rtf.toFixed(3)}; load ${(await import('node:os')).loadavg()[0]!.toFixed(2)}`,
    );
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'viz-e2e.png') });
    expect(pageErrors).toEqual([]);
  });
});
