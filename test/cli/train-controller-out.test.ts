import { cpSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { outFolderPolicy } from '../../cli/commands/train-controller.ts';
import { useTempDirs } from '../support/tempDirs.ts';

const tempDir = useTempDirs();
const FIXTURE = join(import.meta.dirname, '..', 'fixtures', 'controllers', 'cartpole');
const ENV = 'CartPoleContinuous-v1';

describe('train-controller --out with a controller already in it', () => {
  it('refuses to replace it without --resume or --overwrite (a rerun used to replace a good controller after round 0)', () => {
    const out = join(tempDir('sl-out-'), 'cartpole');
    cpSync(FIXTURE, out, { recursive: true });
    expect(() => outFolderPolicy(out, false, false, ENV, 'spike-seq')).toThrow(
      /already holds a controller .*pass --resume .* or --overwrite/,
    );
    expect(outFolderPolicy(out, false, true, ENV, 'spike-seq')).toBeUndefined();
    expect(() => outFolderPolicy(out, true, true, ENV, 'spike-seq')).toThrow(/--resume and --overwrite exclude each other/);
  });

  it('also guards the previous controller left by an interrupted save (<out>.prev)', () => {
    const root = tempDir('sl-out-prev-');
    cpSync(FIXTURE, join(root, 'cartpole.prev'), { recursive: true });
    mkdirSync(join(root, 'cartpole'));
    expect(() => outFolderPolicy(join(root, 'cartpole'), false, false, ENV, 'spike-seq')).toThrow(
      /already holds a controller \(.*cartpole\.prev\)/,
    );
  });

  it('--resume reads the saved weights, optimiser state and the score to beat; refuses another env or label', () => {
    const out = join(tempDir('sl-out-resume-'), 'cartpole');
    cpSync(FIXTURE, out, { recursive: true });
    const state = outFolderPolicy(out, true, false, ENV, 'spike-seq')!;
    expect(state.bestScore).toBe(500);
    expect(state.roundsDone).toBeGreaterThan(0);
    expect(state.weights.map((w) => w.name)).toContain('motor/kernel');
    expect(() => outFolderPolicy(out, true, false, 'Pendulum-v1', 'spike-seq')).toThrow(
      /holds a CartPoleContinuous-v1 \/ spike-seq controller, this run trains Pendulum-v1/,
    );
    expect(() => outFolderPolicy(join(out, 'nothing'), true, false, ENV, 'spike-seq')).toThrow(/--resume: .* holds no complete controller/);
  });

  it('an empty or new --out is fine without flags', () => {
    expect(outFolderPolicy(join(tempDir('sl-out-new-'), 'x'), false, false, ENV, 'spike-seq')).toBeUndefined();
  });
});
