import { describe, expect, it } from 'vitest';
import { compareRow, compareTable, fastestTorch, parseTorchJson, TARGETS, torchScriptPath } from '../../bench/compare.ts';
import { parseChildReport } from '../../bench/workloads/spawn.ts';
import { nominalGflopPerIter, WORKLOADS } from '../../bench/workloads/index.ts';

// shaped like torch_snn.py --json (its progress lines go to stderr; the document is the last stdout line)
const fakeTorch = JSON.stringify({
  env: { torch: '1.13' },
  checks: {},
  results: [
    { workload: 'control-mlp', mode: 'layer', ms_per_iter: 12.5 },
    { workload: 'control-mlp', mode: 'step', ms_per_iter: 40 },
    { workload: 'cifar-conv', mode: 'layer', ms_per_iter: 230 },
    { workload: 'cifar-conv', mode: 'step', ms_per_iter: 80 },
  ],
});

describe('bench:compare', () => {
  it('reads each mode of each workload from the last JSON line', () => {
    const t = parseTorchJson(`warming up\n${fakeTorch}\n`);
    expect(t.get('control-mlp')!.modes).toEqual({ layer: 12.5, step: 40 });
    expect(t.get('cifar-conv')!.modes).toEqual({ layer: 230, step: 80 });
    expect(t.has('nmnist-mlp')).toBe(false);
  });

  it('divides by the faster PyTorch mode and judges against the workload target', () => {
    const t = parseTorchJson(fakeTorch);
    const c = compareRow('control-mlp', 8, t.get('control-mlp')!);
    expect(c.ratio).toBeCloseTo(0.64, 12);
    expect(c.met).toBe(true);
    expect(compareRow('control-mlp', 10, t.get('control-mlp')!).met).toBe(false);
    const conv = compareRow('cifar-conv', 250, t.get('cifar-conv')!);
    expect(conv.ratio).toBeCloseTo(250 / 80, 12);
    expect(conv.target).toBe(1.5);
    expect(conv.met).toBe(false);
    expect(compareRow('control-mlp', 8.5, { modes: { layer: 12.5 } }).met).toBe(true);
    expect(TARGETS['nmnist-mlp']).toBe(0.8);
  });

  it('puts the verdict and the missing mode in the table', () => {
    const rows = [compareRow('nmnist-mlp', 300, { modes: { layer: 100 } })];
    const table = compareTable(rows, 'wasm');
    expect(table.rows[0]).toEqual(['nmnist-mlp', 300, 100, 'n/a', 3, '≤ 0.8', 'missed']);
  });

  it('rejects malformed PyTorch output with a message naming the problem', () => {
    expect(() => parseTorchJson('Traceback (most recent call last)')).toThrow(/no JSON document/);
    expect(() => parseTorchJson('{"env": {}}')).toThrow(/no "results" array/);
    expect(() => parseTorchJson('{"results": [{"workload": "x", "mode": "fast", "ms_per_iter": 1}]}')).toThrow(/results\[0\]/);
    expect(() => parseTorchJson('{"results": [{"workload": "x", "mode": "step", "ms_per_iter": 0}]}')).toThrow(/positive ms_per_iter/);
    expect(() => compareRow('control-mlp', 10, { modes: {} })).toThrow(/no PyTorch time/);
  });

  it('finds the script from the flag, then the environment, then next to the repo', () => {
    expect(torchScriptPath('/x/a.py', { SPIKELOOP_TORCH_BENCH: '/y/b.py' })).toBe('/x/a.py');
    expect(torchScriptPath(undefined, { SPIKELOOP_TORCH_BENCH: '/y/b.py' })).toBe('/y/b.py');
    expect(torchScriptPath(undefined, {})).toMatch(/shared\/bench\/torch_snn\.py$/);
  });

  it('parses a workload child report and refuses one without timings', () => {
    const ok = parseChildReport('noise\n{"backend":"wasm","peakRssMb":200,"result":{"msPerIter":12}}\n');
    expect(ok.backend).toBe('wasm');
    expect(() => parseChildReport('{"backend":"wasm"}')).toThrow(/lacks/);
    expect(() => parseChildReport('')).toThrow(/no JSON report/);
  });

  it('counts nominal FLOPs as torch_snn.py does (3 × forward, every step and sample)', () => {
    // control-mlp: 3·2·(64·128 + 128·128 + 128·8)·200·16 = 0.49152 GFLOP
    expect(nominalGflopPerIter(WORKLOADS['control-mlp'])).toBeCloseTo(0.49152, 9);
    const cifarMacs = 3 * 32 * 9 * 32 * 32 + 32 * 64 * 9 * 16 * 16 + 4096 * 256 + 256 * 10;
    expect(nominalGflopPerIter(WORKLOADS['cifar-conv'])).toBeCloseTo((6 * cifarMacs * 5 * 32) / 1e9, 9);
  });

  it('takes the fastest run of each mode over thread counts and says which', () => {
    const best = fastestTorch([
      { label: '2 threads', times: { modes: { layer: 20, step: 60 } } },
      { label: '1 thread', times: { modes: { layer: 25, step: 40 } } },
    ]);
    expect(best.modes).toEqual({ layer: 20, step: 40 });
    expect(best.from).toEqual({ layer: '2 threads', step: '1 thread' });
    expect(compareRow('control-mlp', 30, best).ratio).toBeCloseTo(1.5, 12);
  });
});
