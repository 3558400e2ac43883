/**
 * Runs before every test file (vitest `setupFiles`). spikeloop depends on tfjs-core plus the
 * backends, not on the full `@tensorflow/tfjs` bundle, so nothing registers a backend on import;
 * the tests that use tensors without calling `initBackend` get the cpu backend, as the whole
 * bundle gave them, and every test gets the op gradients and chained tensor methods.
 */
import '@tensorflow/tfjs-backend-cpu';
import '../../src/backend/tfjsExtras.ts';

import * as tf from '@tensorflow/tfjs-core';

// tfjs's own test flag: no "Hi, looks like you are running TensorFlow.js in Node.js" banner in
// every test file's output (the CLI's and initBackend's absence of it is tested in a child).
tf.env().set('IS_TEST', true);
