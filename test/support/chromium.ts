import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's Chromium, driven by playwright-core: never a downloaded browser. */
export const CHROMIUM = '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];
export const ARTIFACTS = join(dirname(fileURLToPath(import.meta.url)), '..', 'artifacts');
export const haveChromium = existsSync(CHROMIUM);
/** Browser tests skip outside CI when Chromium is absent, and fail in CI (where .ci/run installs it). */
export const skipBrowserTests = !haveChromium && process.env.CI !== 'true';

/** What the live page exposes on `window.spikeloop` (the parts the browser tests read). */
export interface PageWindow {
  spikeloop: {
    state: {
      counters: { snapshots: number; rasterColumns: number; spikesDrawn: number };
      paused: boolean;
      pushes: Array<{ bodyId: number; impulse: [number, number] }>;
      world: { tick: number; bodies: Array<{ id: number; label: string; angle: number; position: [number, number] }> };
    };
    worldToClient(x: number, y: number): { x: number; y: number };
  };
}

export function launchChromium(): Promise<Browser> {
  if (!haveChromium) throw new Error(`${CHROMIUM} is missing (CI=true): install it with 'apt-get update && apt-get install -y chromium'`);
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS });
}

/** A 1280×760 page whose uncaught errors are collected (a test ends by expecting none). */
export async function openPage(browser: Browser): Promise<{ page: Page; pageErrors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 760 } });
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  return { page, pageErrors };
}
