#!/usr/bin/env node
// CLI entry. In a checkout (cli/main.ts present, tsx installed as a dev dependency) it runs the
// TypeScript sources through tsx, so that edits take effect without a build; in an installed
// copy, or with SPIKELOOP_DIST=1, it runs the compiled dist/ (built at `npm ci` / `npm pack`).
import { existsSync } from 'node:fs';

const root = new URL('../', import.meta.url);
const source = new URL('cli/main.ts', root);

async function loadMain() {
  if (!existsSync(new URL('build/tfjs/extras.mjs', root))) {
    console.error('spikeloop: build/tfjs/extras.mjs is missing; build it with `npm run build` (or `npm ci`)');
    process.exit(1);
  }
  if (process.env.SPIKELOOP_DIST !== '1' && existsSync(source)) {
    let tsx;
    try {
      tsx = await import('tsx/esm/api');
    } catch {
      tsx = undefined; // no dev dependencies: use the build
    }
    if (tsx) {
      tsx.register();
      return (await import(source.href)).main;
    }
  }
  const built = new URL('dist/cli/main.js', root);
  if (!existsSync(built)) {
    console.error('spikeloop: dist/ is missing; build it with `npm run build` (or `npm ci`)');
    process.exit(1);
  }
  return (await import(built.href)).main;
}

const main = await loadMain();
const code = await main(process.argv.slice(2));
if (typeof code === 'number') process.exitCode = code;
