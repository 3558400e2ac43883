/**
 * What the full `@tensorflow/tfjs` bundle adds to `@tensorflow/tfjs-core` and spikeloop needs:
 * the gradients of the built-in ops (training) and the chained tensor methods (`t.slice()`).
 * Built into `build/tfjs/extras.mjs` at `npm ci` (scripts/build-tfjs-extras.mjs) and reached
 * through the package's `#tfjs-extras` import, which resolves from `src/` and `dist/` alike.
 * Imported by the backend selection and every public entry point that builds networks.
 */
import '#tfjs-extras';
// The chained methods' type declarations (erased from the emitted code).
import type {} from '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops.js';
