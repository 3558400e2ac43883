#!/usr/bin/env node
// Compiles the sources to dist/ (JS, .d.ts, source maps; tsconfig.build.json) and copies the
// visualizer's page beside its compiled server. Runs at `npm ci` (`prepare`) and `npm run build`.
import { cpSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
rmSync(dist, { recursive: true, force: true });
execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit', cwd: root });
cpSync(join(root, 'src', 'viz', 'page'), join(dist, 'src', 'viz', 'page'), { recursive: true });
console.log(`build-dist: -> ${dist}`);
