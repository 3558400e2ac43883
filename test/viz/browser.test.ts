/**
 * End to end in headless Chromium (Debian's /usr/bin/chromium driven by playwright-core):
 * the page connects, draws the world and the raster, and a mouse drag on a body pushes it.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { startVizServer, type VizServer } from '../../src/viz/server.ts';
import { fakeSledSimulation, SLED_ID, type FakeSledEnv } from './fakeWorld.ts';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'];
const ARTIFACTS = join(dirname(fileURLToPath(import.meta.url)), '..', 'artifacts');
const haveChromium = existsSync(CHROMIUM);
const inCi = process.env.CI === 'true';

let browser: Browser | undefined;
let server: VizServer | undefined;
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe.skipIf(!haveChromium && !inCi)('viz page in headless Chromium', () => {
  it('connects, draws world and raster, and a drag pushes the body', async () => {
    if (!haveChromium) throw new Error(`${CHROMIUM} is missing (CI=true): install it with 'apt-get update && apt-get install -y chromium'`);
    let env: FakeSledEnv | undefined;
    server = await startVizServer(
      () => {
        const s = fakeSledSimulation();
        env = s.env;
        return s.sim;
      },
      { env: 'sled', controller: 'pd' },
      { port: 0 },
    );
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    const page = await browser.newPage({ viewport: { width: 1280, height: 760 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(server.url);
    await page.waitForFunction(() => {
      const c = (window as any).spikeloop?.state.counters;
      return c && c.snapshots > 3 && c.rasterColumns > 20;
    }, undefined, { timeout: 15000 });
    expect(await page.textContent('#conn')).toBe('live');

    // World canvas is not blank: enough pixels in the sled's colour (#4fd1c5, drawn over the background).
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
      return { rows: rows.size, height: c.height, spikes: (window as any).spikeloop.state.counters.spikesDrawn as number };
    });
    expect(raster.spikes).toBeGreaterThan(0);
    expect(raster.rows).toBeGreaterThan(5);

    // Pause with the button, then drag the sled to the right.
    await page.click('#pause');
    await page.waitForFunction(() => (window as any).spikeloop.state.paused === true);
    const before = await page.evaluate((id) => {
      const s = (window as any).spikeloop;
      const b = s.state.world.bodies.find((x: { id: number }) => x.id === id);
      return { x: b.position[0] as number, screen: s.worldToClient(b.position[0], b.position[1]) as { x: number; y: number } };
    }, SLED_ID);
    await page.mouse.move(before.screen.x, before.screen.y);
    await page.mouse.down();
    await page.mouse.move(before.screen.x + 60, before.screen.y, { steps: 5 });
    await page.mouse.move(before.screen.x + 120, before.screen.y, { steps: 5 });
    await page.mouse.up();
    await page.waitForFunction(() => (window as any).spikeloop.state.pushes.length > 0, undefined, { timeout: 5000 });
    expect(env!.impulses.length).toBe(1);
    expect(env!.impulses[0]![0]).toBeGreaterThan(0.5);
    // Step a few ticks: the next snapshots show the sled moving right.
    for (let k = 0; k < 5; k++) await page.click('#step');
    await page.waitForFunction(
      ([id, x0]) => (window as any).spikeloop.state.world.bodies.find((b: { id: number }) => b.id === id).position[0] > x0 + 0.02,
      [SLED_ID, before.x] as const,
      { timeout: 5000 },
    );

    // Resume, let the controller recover, and keep a screenshot for people to look at.
    await page.click('#pause');
    await page.waitForTimeout(1500);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'viz-e2e.png') });
    expect(pageErrors).toEqual([]);
  });
});
