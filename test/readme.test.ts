/**
 * The README's library recipe, run exactly as written: the ```ts block of its "Library" section,
 * with only the package specifier 'spikeloop' pointed at this checkout's src/index.ts. The loss
 * bounds are read from the README's own sentence, so the text and the test cannot drift apart.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';

const root = resolve(import.meta.dirname, '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
// under test/ (so vitest transforms it and imports resolve from the repo) but git-ignored
const dir = join(root, 'test', 'artifacts', `readme-${process.pid}`);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function librarySnippet(): string {
  const section = readme.split(/^## /m).find((s) => s.startsWith('Library\n'));
  if (!section) throw new Error('README.md has no "## Library" section');
  const m = /```ts\n([\s\S]*?)```/.exec(section);
  if (!m) throw new Error('the Library section has no ```ts block');
  return m[1]!;
}

describe('README', () => {
  it('the Library snippet runs as written and its loss falls as the README states', async () => {
    const stated = /the loss falls\s+from above ([\d.]+) to below ([\d.]+)/.exec(readme);
    expect(stated, 'README states "the loss falls from above A to below B"').not.toBeNull();
    const [above, below] = [Number(stated![1]), Number(stated![2])];
    const code = librarySnippet();
    expect(code).toContain("from 'spikeloop'");
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'snippet.ts');
    writeFileSync(file, code.replace("from 'spikeloop'", `from ${JSON.stringify(pathToFileURL(join(root, 'src', 'index.ts')).href)}`));
    const lines: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void lines.push(args.join(' ')));
    try {
      await import(pathToFileURL(file).href);
    } finally {
      log.mockRestore();
    }
    expect(lines.filter((l) => /^epoch \d+: loss/.test(l))).toHaveLength(4);
    const last = lines.at(-1)!;
    const m = /^loss ([\d.]+) → ([\d.]+)$/.exec(last);
    expect(m, `last line: ${last}`).not.toBeNull();
    expect(Number(m![1])).toBeGreaterThan(above);
    expect(Number(m![2])).toBeLessThan(below);
  });
});
