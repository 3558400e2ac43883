import { describe, expect, it } from 'vitest';
import * as api from '../../src/index.ts';

describe('public API', () => {
  it('exposes the core, the loaders, the encoders, the loop and event-driven inference from one entry point', () => {
    for (const name of [
      'initBackend',
      'Sequential',
      'parseNetworkConfig',
      'Trainer',
      'lifMultiStep',
      'pspFilter',
      'Cifar10Dataset',
      'NmnistDataset',
      'resolveDataset',
      'createClosedLoop',
      'EventDrivenNetwork',
      'readBs1Raster',
      'writeBs1',
      'readNpy',
      'spikeMetrics',
      'rasterFigurePng',
      'runOxford',
    ]) {
      expect(typeof (api as Record<string, unknown>)[name], name).toBe('function');
    }
  });

  it('keeps helpers internal: archive, download, batching and raw-decoding functions are not part of it', () => {
    for (const name of [
      'extractTar',
      'extractZip',
      'downloadFile',
      'planBatches',
      'sampleOrder',
      'parseCifarBinary',
      'decodeNmnistEvents',
      'listNmnistCsv',
    ]) {
      expect((api as Record<string, unknown>)[name], name).toBeUndefined();
    }
  });
});
