/** Public API of the dataset loaders. */
export { type Batch, type BatchOptions, DEFAULT_BATCH, sampleOrder, planBatches } from './batching.ts';
export {
  Cifar10Dataset, type CifarOptions, type CifarSplitOptions, type CifarRecords, DEFAULT_CIFAR, CIFAR_CLASSES,
  CIFAR_RECORD_BYTES, parseCifarBinary, concatRecords, decodeCifarRecord,
} from './cifar10.ts';
export {
  NmnistDataset, type NmnistOptions, type NmnistEntry, type NmnistEvents, type FrameOptions, type NmnistDecodeOptions,
  DEFAULT_NMNIST, DEFAULT_FRAMES, DEFAULT_NMNIST_DECODE, NMNIST_SIDE, decodeNmnistEvents, eventsToFrames, frameSide,
  listNmnistCsv, listNmnistFolders,
} from './nmnist.ts';
export {
  resolveDataset, downloadFile, extractTar, extractZip, defaultCacheDir, DATASET_SOURCES, DEFAULT_DOWNLOAD,
  type DatasetName, type RemoteFile, type ResolveOptions, type DownloadOptions,
} from './download.ts';
export {
  type Bs1Events, type SpikeRaster, type RasterOptions, DEFAULT_RASTER, BS1_EVENT_BYTES, Bs1FormatError, Bs1RangeError,
  decodeBs1, encodeBs1, readBs1, writeBs1, eventsToRaster, rasterToEvents, readBs1Raster,
} from './bs1.ts';
export { type NpyArray, NpyFormatError, parseNpy, readNpy } from './npy.ts';
