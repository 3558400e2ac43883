/**
 * The command list that `spikeloop --help` prints: name → the one-line `summary` its module
 * exports. Kept here so that help imports no command module (they load tfjs and matter-js).
 * test/cli/main.test.ts checks that this lists every file of cli/commands/ with its summary.
 */
export const COMMANDS: Readonly<Record<string, string>> = Object.freeze({
  bench: 'classification benchmark (cifar10 | nmnist): train, evaluate, write results.json, confusion, curves',
  demo: 'train the cartpole spiking controller briefly, evaluate it, and serve it in the visualizer',
  eval: 'evaluate a spiking controller (or the teacher) on seeded episodes: mean/std return, success',
  'train-controller': 'train a spiking controller by imitation + DAgger (spike-sequence or rate labels)',
  viz: 'live visualizer: closed loop in real time, streamed to a browser page',
});
