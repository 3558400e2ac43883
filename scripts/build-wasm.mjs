#!/usr/bin/env node
// Builds the hand-written WebAssembly kernels from source (AssemblyScript, SIMD on) into build/.
// Runs at `npm ci` (the `prepare` script): no binary is downloaded or committed.
import { readdirSync, mkdirSync, existsSync } from 'node:fs';
import { join, basename, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import { upToDate } from './upToDate.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const srcDir = join(root, 'src', 'kernels', 'asm');
const outDir = join(root, 'build', 'kernels');
if (!existsSync(srcDir)) process.exit(0);
const asc = join(root, 'node_modules', 'assemblyscript', 'bin', 'asc.js');
if (!existsSync(asc)) {
  console.error('build-wasm: assemblyscript is not installed (run npm ci); the TypeScript kernels will be used');
  process.exit(0);
}
mkdirSync(outDir, { recursive: true });
for (const file of readdirSync(srcDir).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))) {
  const out = join(outDir, basename(file, '.ts') + '.wasm');
  // every kernel may import from lib/: any change under asm/ rebuilds them all
  if (upToDate([out], [srcDir, asc])) {
    console.log(`build-wasm: ${basename(out)} is current`);
    continue;
  }
  execFileSync(
    process.execPath,
    [
      asc,
      join(srcDir, file),
      '-o',
      out,
      '-O3',
      '--noAssert',
      '--enable',
      'simd',
      '--runtime',
      'stub',
      '--initialMemory',
      '1',
      '--importMemory',
      '--maximumMemory',
      '65536',
    ],
    { stdio: 'inherit' },
  );
  console.log(`build-wasm: ${file} -> ${out}`);
}
