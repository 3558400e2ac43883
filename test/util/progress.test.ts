import { describe, expect, it } from 'vitest';
import { createProgress, formatDuration } from '../../src/util/progress.ts';

/** A stream that records what is written; a TTY or not. */
function fakeStream(isTTY: boolean) {
  const s = {
    isTTY,
    columns: 200,
    text: '',
    write(chunk: string) {
      s.text += chunk;
      return true;
    },
  };
  return s as unknown as NodeJS.WriteStream & { text: string };
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('progress', () => {
  it('on a TTY draws one bar over the whole job: label fields, done/total and an ETA', async () => {
    const stream = fakeStream(true);
    const p = createProgress({ mode: 'auto', total: 6, label: 'epoch {epoch}/{epochs}', unit: 'batches', stream }, 0, {
      epoch: 1,
      epochs: 3,
    });
    for (let i = 1; i <= 6; i++) {
      await sleep(2);
      p.update(i, { epoch: Math.ceil(i / 2), epochs: 3, detail: `  loss ${i}` });
    }
    p.stop();
    expect(stream.text).toMatch(/epoch 3\/3 \S+ 6\/6 batches {2}loss 6 {2}ETA 0 s/);
  });

  it("off a TTY: 'auto' writes nothing, 'always' writes the caller's lines with the time left", async () => {
    const quiet = fakeStream(false);
    const a = createProgress({ mode: 'auto', total: 4, label: 'x', unit: 'items', stream: quiet });
    a.update(1);
    a.line('one');
    a.stop();
    expect(quiet.text).toBe('');
    const s = fakeStream(false);
    const p = createProgress({ mode: 'always', total: 4, label: 'x', unit: 'items', stream: s });
    p.line('before any');
    await sleep(20);
    p.update(1);
    p.line('first');
    expect(p.etaSeconds()).toBeGreaterThan(0.03);
    p.update(4);
    p.line('last');
    p.stop();
    expect(s.text.split('\n')).toEqual(['before any', expect.stringMatching(/^first; ETA \d+ s$/), 'last; ETA 0 s', '']);
  });

  it('a resumed job starts part-way and measures its rate from there', async () => {
    const p = createProgress({ mode: 'never', total: 10, label: '', unit: '' }, 8);
    expect(p.etaSeconds()).toBeUndefined();
    await sleep(20);
    p.update(9);
    const eta = p.etaSeconds()!;
    // one unit took ≥ 20 ms, one is left
    expect(eta).toBeGreaterThanOrEqual(0.015);
    expect(eta).toBeLessThan(5);
  });

  it('formats durations for people', () => {
    expect(formatDuration(4.4)).toBe('4 s');
    expect(formatDuration(185)).toBe('3 min 05 s');
    expect(formatDuration(3720)).toBe('1 h 02 min');
    expect(formatDuration(Number.NaN)).toBe('?');
  });
});
