/**
 * Runs before every test file (vitest `setupFiles`). spikeloop depends on tfjs-core plus the
 * backends, not on the full `@tensorflow/tfjs` bundle, so nothing registers a backend on import;
 * the tests that use tensors without calling `initBackend` get the cpu backend, as the whole
 * bundle gave them, and every test gets the op gradients and chained tensor methods.
 */
import '@tensorflow/tfjs-backend-cpu';
import '../../src/backend/tfjsExtras.ts';

import * as tf from '@tensorflow/tfjs-core';

// No "Hi, looks like you are running TensorFlow.js in Node.js" banner in every test file's output:
// the cpu backend prints it on its first write, so that write is made here with tfjs's logging
// muted (PROD), as initBackend does. (Not IS_TEST: that flag turns on tfjs's kernel leak checks,
// which the in-place wasm kernels' scratch tensors trip.)
tf.env().set('PROD', true);
tf.tensor1d([0]).dispose();
tf.env().set('PROD', false);
