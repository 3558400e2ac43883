#!/usr/bin/env node
// Builds the hand-written WebAssembly kernels from source (AssemblyScript, SIMD on) into build/.
// Runs at `npm ci` (the `prepare` script): no binary is downloaded or committed.
//
// Each kernel is built twice: NAME.wasm imports an ordinary memory (the tfjs wasm backend's own
// build), NAME.shared.wasm a shared one (threads on), so that the main thread and the kernel
// workers (src/kernels/kernelPool.ts) run it on one heap. The shared heap itself is
// tfjs-backend-wasm's SIMD binary with its memory declared shared, written to
// build/kernels/tfjs-backend-wasm-simd.shared.wasm (sharedMemoryBinary below; nothing else in
// the binary changes).
import { readdirSync, mkdirSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, basename, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { upToDate } from './upToDate.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const srcDir = join(root, 'src', 'kernels', 'asm');
const outDir = join(root, 'build', 'kernels');
if (!existsSync(srcDir)) process.exit(0);
mkdirSync(outDir, { recursive: true });

function readLeb(buf, pos) {
  let value = 0;
  let shift = 0;
  let byte;
  do {
    byte = buf[pos++];
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
  } while (byte & 0x80);
  return [value, pos];
}

function leb(n) {
  const out = [];
  do {
    let byte = n & 0x7f;
    n = Math.floor(n / 128);
    if (n) byte |= 0x80;
    out.push(byte);
  } while (n);
  return out;
}

/**
 * The same module with its one defined memory declared shared (limits flag 3, maximum 65536
 * pages = 4 GiB, the most a 32-bit heap can reach). Only the memory section is rewritten.
 */
function sharedMemoryBinary(buf) {
  const parts = [buf.subarray(0, 8)];
  let found = false;
  for (let pos = 8; pos < buf.length;) {
    const id = buf[pos];
    const [size, body] = readLeb(buf, pos + 1);
    const end = body + size;
    if (id === 5) {
      const [count, at] = readLeb(buf, body);
      if (count !== 1) throw new Error(`expected one memory, found ${count}`);
      const [min] = readLeb(buf, at + 1);
      const section = [1, 3, ...leb(min), ...leb(65536)];
      parts.push(Buffer.from([5, ...leb(section.length), ...section]));
      found = true;
    } else {
      parts.push(buf.subarray(pos, end));
    }
    pos = end;
  }
  if (!found) throw new Error('no memory section (the memory is imported?)');
  return Buffer.concat(parts);
}

function buildSharedTfjs() {
  let dist;
  try {
    dist = dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'));
  } catch {
    console.error('build-wasm: @tensorflow/tfjs-backend-wasm is not installed; no shared-memory heap (one kernel thread)');
    return;
  }
  const src = join(dist, 'tfjs-backend-wasm-simd.wasm');
  const out = join(outDir, 'tfjs-backend-wasm-simd.shared.wasm');
  if (upToDate([out], [src, fileURLToPath(import.meta.url)])) {
    console.log(`build-wasm: ${basename(out)} is current`);
    return;
  }
  writeFileSync(out, sharedMemoryBinary(readFileSync(src)));
  console.log(`build-wasm: ${src} (memory shared) -> ${out}`);
}

buildSharedTfjs();
const asc = join(root, 'node_modules', 'assemblyscript', 'bin', 'asc.js');
if (!existsSync(asc)) {
  console.error('build-wasm: assemblyscript is not installed (run npm ci); the TypeScript kernels will be used');
  process.exit(0);
}
for (const file of readdirSync(srcDir).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))) {
  for (const shared of [false, true]) {
    const out = join(outDir, basename(file, '.ts') + (shared ? '.shared.wasm' : '.wasm'));
    // every kernel may import from lib/: any change under asm/ rebuilds them all
    if (upToDate([out], [srcDir, asc, fileURLToPath(import.meta.url)])) {
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
        ...(shared ? ['--enable', 'threads', '--sharedMemory'] : []),
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
}
