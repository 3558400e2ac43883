// Whether a build step's outputs are newer than all of its inputs, so that `npm run build` (and the
// `prepare` that npm runs again whenever it installs this checkout, e.g. on the first
// `npx spikeloop` in a clone) skips work that is already done. SPIKELOOP_FORCE_BUILD=1 rebuilds.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Newest (or, with `oldest`, oldest) modification time of the files under `path` (a file or folder). */
function mtime(path, oldest) {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let t = oldest ? Infinity : 0;
  for (const e of readdirSync(path)) {
    const m = mtime(join(path, e), oldest);
    t = oldest ? Math.min(t, m) : Math.max(t, m);
  }
  return t;
}

/** True when every output exists and its oldest file is newer than the newest file of every input that exists. */
export function upToDate(outputs, inputs) {
  if (process.env.SPIKELOOP_FORCE_BUILD === '1') return false;
  if (!outputs.every((o) => existsSync(o))) return false;
  const built = Math.min(...outputs.map((o) => mtime(o, true)));
  const changed = Math.max(0, ...inputs.filter((i) => existsSync(i)).map((i) => mtime(i, false)));
  return built >= changed;
}
