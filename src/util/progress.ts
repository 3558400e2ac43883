/**
 * Progress of a long job (training epochs, evaluation episodes, controller rounds) with its total
 * and an ETA, on stderr:
 *
 *   'auto'    a redrawing bar when stderr is a TTY, nothing otherwise (logs stay clean)
 *   'always'  the bar on a TTY; off a TTY (CI, a pipe) lines instead, since a bar cannot redraw
 *             there: the caller's summary lines (`line`) and, with `statusLines: n`, a status line
 *             (label, done/total, detail) at each n-th of the job and whenever the label changes
 *   'never'   nothing
 *
 * Every line ends in the ETA. The ETA is (elapsed / done)·(total − done): the mean rate since the
 * start, which the bar and the lines share so that both say the same.
 */
import { SingleBar } from 'cli-progress';

export type ProgressMode = 'auto' | 'always' | 'never';

export interface ProgressOptions {
  mode: ProgressMode;
  /** Units of work in the whole job (batches, episodes, rounds). */
  total: number;
  /** The bar's text before the bar, with `{name}` placeholders filled from the payload, e.g. `epoch {epoch}/{epochs}`. */
  label: string;
  /** Unit shown after the count, e.g. 'batches'. */
  unit: string;
  /** Off a TTY with 'always': also a status line from `update` at each 1/statusLines of the total and when the label changes (0: none). */
  statusLines?: number;
  /** Defaults to process.stderr. */
  stream?: NodeJS.WriteStream;
  /** Clock in ms (injectable for tests); defaults to performance.now. */
  now?: () => number;
}

export interface Progress {
  /** Sets the units done (and the payload fields the label or `{detail}` uses). */
  update(done: number, payload?: Record<string, string | number>): void;
  /** Changes the total (e.g. when a later epoch has another size). */
  setTotal(total: number): void;
  /** Off a TTY with 'always': writes one line, ending in the ETA. No-op otherwise. */
  line(text: string): void;
  /** Seconds left at the mean rate so far; undefined before the first unit. */
  etaSeconds(): number | undefined;
  stop(): void;
}

/** '42 s', '3 min 05 s', '1 h 02 min'. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}

/** The label with its `{name}` placeholders filled from the payload (as the bar does). */
function fillLabel(label: string, payload: Record<string, string | number>): string {
  return label.replace(/\{(\w+)\}/g, (m, name: string) => (payload[name] !== undefined ? String(payload[name]) : m));
}

/** Starts a progress display of `total` units at `start` done (a resumed job starts part-way). */
export function createProgress(opts: ProgressOptions, start = 0, payload: Record<string, string | number> = {}): Progress {
  const stream = opts.stream ?? process.stderr;
  const now = opts.now ?? (() => performance.now());
  const tty = stream.isTTY === true;
  const showBar = opts.mode !== 'never' && tty;
  const showLines = opts.mode === 'always' && !tty;
  const statusLines = showLines ? (opts.statusLines ?? 0) : 0;
  const t0 = now();
  let total = opts.total;
  let done = start;
  const eta = (): number | undefined => {
    const n = done - start;
    if (n <= 0) return undefined;
    return (((now() - t0) / 1000) * (total - done)) / n;
  };
  const writeLine = (text: string): void => {
    const e = eta();
    stream.write(`${text}${e === undefined ? '' : `; ETA ${formatDuration(e)}`}\n`);
  };
  // the last status line's label and n-th of the job, so that a line is written only when one changes
  let lastStatus: { label: string; part: number } | undefined;
  const status = (p: Record<string, string | number>): void => {
    const label = fillLabel(opts.label, p);
    const part = total > 0 ? Math.floor((statusLines * done) / total) : 0;
    if (lastStatus && lastStatus.label === label && lastStatus.part === part) return;
    lastStatus = { label, part };
    writeLine(`${label} ${done}/${total} ${opts.unit}${p['detail'] ?? ''}`);
  };
  const fields = (extra: Record<string, string | number>): Record<string, string | number> => {
    const e = eta();
    return { ...extra, left: e === undefined ? '?' : formatDuration(e) };
  };
  let last = { ...payload };
  const bar = showBar
    ? new SingleBar({
        format: `${opts.label} {bar} {value}/{total} ${opts.unit}{detail}  ETA {left}`,
        stream,
        hideCursor: false,
        clearOnComplete: false,
      })
    : undefined;
  bar?.start(total, start, fields({ detail: '', ...payload }));
  return {
    update(value, p = {}) {
      done = value;
      last = { ...last, ...p };
      bar?.update(value, fields({ detail: '', ...last }));
      if (statusLines > 0) status(last);
    },
    setTotal(n) {
      total = n;
      bar?.setTotal(n);
    },
    line(text) {
      if (showLines) writeLine(text);
    },
    etaSeconds: eta,
    stop() {
      bar?.stop();
    },
  };
}
