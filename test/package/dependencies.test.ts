/**
 * What the shipped code imports is what package.json declares as `dependencies`: a package that
 * is only a devDependency (tsx, typescript), or not declared at all (the whole `@tensorflow/tfjs`
 * bundle, which the code no longer uses), would break an installed copy.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  imports: Record<string, string>;
};

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return p.endsWith(join('kernels', 'asm')) ? [] : tsFiles(p);
    return e.name.endsWith('.ts') ? [p] : [];
  });
}

/** The package a bare specifier names: `@scope/name/deep/path` → `@scope/name`. */
function packageOf(spec: string): string {
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

describe('runtime imports', () => {
  it('every package imported by src/, envs/, agents/ and cli/ is a declared dependency', () => {
    const declared = new Set([...Object.keys(pkg.dependencies), ...Object.keys(pkg.optionalDependencies ?? {})]);
    const builtins = new Set(builtinModules);
    const undeclared: string[] = [];
    for (const file of ['src', 'envs', 'agents', 'cli'].flatMap((d) => tsFiles(join(ROOT, d)))) {
      const text = readFileSync(file, 'utf8');
      // Type-only imports vanish from the build; everything else must resolve in an installed copy.
      for (const m of text.matchAll(
        /^\s*(?:import|export)\s+(?!type\b)(?:[^'"]*?\sfrom\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/gm,
      )) {
        const spec = (m[1] ?? m[2])!;
        if (spec.startsWith('.') || spec.startsWith('node:') || builtins.has(spec) || spec in pkg.imports) continue;
        if (!declared.has(packageOf(spec))) undeclared.push(`${file.slice(ROOT.length)}: ${spec}`);
      }
    }
    expect(undeclared).toEqual([]);
  });

  it('tfjs-backend-wasm, whose internals the spike kernels read, is pinned to the version of tfjs-core', () => {
    expect(pkg.dependencies['@tensorflow/tfjs-backend-wasm']).toMatch(/^\d+\.\d+\.\d+$/);
    expect(pkg.dependencies['@tensorflow/tfjs-backend-wasm']).toBe(pkg.dependencies['@tensorflow/tfjs-core']);
  });

  it('package files (build/, configs/) are found through packagePath, not a fixed ../.. from the module (dist/ is one level deeper)', () => {
    const fixed = ['src', 'envs', 'agents', 'cli']
      .flatMap((d) => tsFiles(join(ROOT, d)))
      .filter((file) => /import\.meta\.url\)?\)?,\s*'\.\.'/.test(readFileSync(file, 'utf8')))
      .map((file) => file.slice(ROOT.length));
    expect(fixed).toEqual([]);
  });
});
