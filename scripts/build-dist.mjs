#!/usr/bin/env node
// Compiles the sources to dist/ (JS, .d.ts, source maps; tsconfig.build.json) and copies the
// visualizer's page beside its compiled server. Runs at `npm ci` (`prepare`) and `npm run build`.
// The build goes to a temporary folder that replaces dist/ at the end, so that a CLI started
// meanwhile (bin/spikeloop.mjs runs dist/ when it is current) never sees a half-written dist/.
import { cpSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { upToDate } from './upToDate.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const tmp = join(root, `dist.tmp-${process.pid}`);
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const inputs = ['src', 'envs', 'agents', 'cli', 'tsconfig.json', 'tsconfig.build.json', 'package.json'].map((p) => join(root, p));
if (upToDate([dist], inputs)) {
  console.log(`build-dist: ${dist} is current`);
  process.exit(0);
}
rmSync(tmp, { recursive: true, force: true });
try {
  execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json'), '--outDir', tmp], { stdio: 'inherit', cwd: root });
  cpSync(join(root, 'src', 'viz', 'page'), join(tmp, 'src', 'viz', 'page'), { recursive: true });
  rmSync(dist, { recursive: true, force: true });
  renameSync(tmp, dist);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
console.log(`build-dist: -> ${dist}`);
