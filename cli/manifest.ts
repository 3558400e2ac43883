/**
 * The command list that `spikeloop --help` prints: name → the one-line `summary` its module
 * exports. Kept here so that help imports no command module (they load tfjs and matter-js).
 * test/cli/main.test.ts checks that this lists every file of cli/commands/ with its summary.
 */
export const COMMANDS: Readonly<Record<string, string>> = Object.freeze({
  bench: 'benchmarks: classification (cifar10 | nmnist), spike-to-spike regression (oxford)',
  demo: 'train the cartpole spiking controller briefly, evaluate it, and serve it in the visualizer',
  eval: 'evaluate spiking controllers and the teacher on seeded episodes, optionally under perturbations (paired, with 95% CIs)',
  record: "record a teacher's episodes as demonstrations (JSONL or CSV) for behaviour cloning",
  report: 'statistics of a sweep folder: mean/std/95% CI per grid point, paired seed comparisons, markdown + SVG',
  sweep: 'run a sweep spec (grid × seeds) locally on a worker pool, or enqueue it on Redis for `spikeloop worker`',
  'train-controller': 'train a spiking controller by imitation + DAgger (spike-sequence or rate labels)',
  viz: 'live visualizer: closed loop in real time, streamed to a browser page',
  worker: 'run sweep cells from a Redis queue (BullMQ); start one per machine',
});
