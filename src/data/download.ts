/**
 * Dataset download, verification, extraction and lookup.
 *
 * Every source carries a digest and a download is accepted only when it matches: SHA-256 when one is
 * recorded (checked first), else MD5. The canonical archives have published MD5s only, and no copy
 * of them was at hand to compute a SHA-256 from, so their entries record the published MD5s:
 * - CIFAR-10 binary: https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz, MD5 c32a1d4ab5d03f1284b67883e8d87530
 *   (published on the CIFAR page).
 * - N-MNIST (Orchard et al. 2015), Mendeley Data DOI 10.17632/468j46mzdv.1: Train.zip and Test.zip, MD5
 *   20959b8e626244a1b502305a9e6e2031 and 69ca8762b2fe404d9b9bad1103e97832 (as used by tonic / SpikingJelly).
 * Add `sha256` to an entry once it is computed from a verified copy (`sha256sum <file>`).
 *
 * Downloads go to `<file>.part`, resume with an HTTP Range request, and are renamed only after the checksum
 * matches; a mismatching file is deleted so it is never taken for a good one.
 *
 * A stalled server must not hang the caller: no response headers within `connectTimeoutMs`, or no
 * body bytes for `idleTimeoutMs`, aborts the attempt. Network errors, timeouts and HTTP 429/5xx are
 * retried `retries` times with exponential backoff (each retry resumes the part file); the final error
 * names the cause (e.g. `ECONNREFUSED`, `idle timeout`), not just "fetch failed".
 */
import { createHash } from 'node:crypto';
import {
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, normalize, sep } from 'node:path';
import { gunzipSync, inflateRawSync } from 'node:zlib';

export type DatasetName = 'cifar10' | 'nmnist';

export interface RemoteFile {
  url: string;
  /** File name in the cache's downloads folder. */
  name: string;
  /** Hex SHA-256 of the file; preferred when given. */
  sha256?: string;
  /** Hex MD5 of the file, for sources that publish only that. At least one digest is required. */
  md5?: string;
}

export const DATASET_SOURCES: Record<DatasetName, RemoteFile[]> = {
  cifar10: [
    {
      url: 'https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz',
      name: 'cifar-10-binary.tar.gz',
      md5: 'c32a1d4ab5d03f1284b67883e8d87530',
    },
  ],
  nmnist: [
    {
      url: 'https://data.mendeley.com/public-files/datasets/468j46mzdv/files/39c25547-014b-4137-a934-9d29fa53c7a0/file_downloaded',
      name: 'Train.zip',
      md5: '20959b8e626244a1b502305a9e6e2031',
    },
    {
      url: 'https://data.mendeley.com/public-files/datasets/468j46mzdv/files/05a4d654-7e03-4c15-bdfa-9bb2bcbea494/file_downloaded',
      name: 'Test.zip',
      md5: '69ca8762b2fe404d9b9bad1103e97832',
    },
  ],
};

/** `SPIKELOOP_DATA`, else ~/.cache/spikeloop. */
export function defaultCacheDir(): string {
  return process.env.SPIKELOOP_DATA ?? join(homedir(), '.cache', 'spikeloop');
}

async function hashFile(path: string, algo: 'md5' | 'sha256'): Promise<string> {
  const h = createHash(algo);
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest('hex');
}

export interface DownloadOptions {
  /** Longest wait for the response headers, ms. */
  connectTimeoutMs: number;
  /** Longest wait between two body chunks, ms. */
  idleTimeoutMs: number;
  /** Further attempts after a failed one (network error, timeout, HTTP 429/5xx, interrupted body). */
  retries: number;
  /** Wait before the first retry, ms; doubled each time up to `maxBackoffMs`. */
  backoffMs: number;
  maxBackoffMs: number;
}

export const DEFAULT_DOWNLOAD: Readonly<DownloadOptions> = Object.freeze({
  connectTimeoutMs: 30_000,
  idleTimeoutMs: 60_000,
  retries: 3,
  backoffMs: 1000,
  maxBackoffMs: 30_000,
});

function resolveDownloadOptions(options: Partial<DownloadOptions>): DownloadOptions {
  const o = { ...DEFAULT_DOWNLOAD, ...options };
  for (const k of ['connectTimeoutMs', 'idleTimeoutMs', 'backoffMs', 'maxBackoffMs'] as const) {
    if (!(o[k] > 0) || !Number.isFinite(o[k])) throw new Error(`downloadFile: ${k} must be a positive number, got ${o[k]}`);
  }
  if (!Number.isInteger(o.retries) || o.retries < 0)
    throw new Error(`downloadFile: retries must be a non-negative integer, got ${o.retries}`);
  return o;
}

/** A failed attempt; `retryable` says whether another attempt may help. */
class AttemptError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

/** The innermost cause of a fetch error, e.g. "connect ECONNREFUSED 127.0.0.1:1 (ECONNREFUSED)". */
function describeCause(err: unknown): string {
  let e: unknown = err;
  while (e instanceof Error && e.cause instanceof Error) e = e.cause;
  if (!(e instanceof Error)) return String(e);
  const code = (e as NodeJS.ErrnoException).code;
  return code && !e.message.includes(code) ? `${e.message} (${code})` : e.message;
}

/**
 * Downloads `file.url` to `dest`, resuming `dest.part`, then verifies the checksum(s). Stalls time
 * out and transient failures are retried with backoff (see the file header).
 */
export async function downloadFile(file: RemoteFile, dest: string, options: Partial<DownloadOptions> = {}): Promise<string> {
  const o = resolveDownloadOptions(options);
  if (!file.sha256 && !file.md5)
    throw new Error(`download ${file.url}: no sha256 (or md5) digest given; an unverifiable file is not downloaded`);
  if (existsSync(dest)) return dest;
  mkdirSync(dirname(dest), { recursive: true });
  const part = `${dest}.part`;
  for (let attempt = 0; ; attempt++) {
    try {
      await fetchToPart(file.url, part, o);
      break;
    } catch (err) {
      const e = err instanceof AttemptError ? err : new AttemptError(describeCause(err), false);
      const partBytes = existsSync(part) ? statSync(part).size : 0;
      const kept = partBytes > 0 ? `; ${partBytes} bytes kept in ${part}, call again to resume` : '';
      if (!e.retryable) throw new Error(`download ${file.url}: ${e.message}${kept}`, { cause: err });
      if (attempt >= o.retries)
        throw new Error(`download ${file.url}: failed after ${attempt + 1} attempt(s): ${e.message}${kept}`, { cause: err });
      await new Promise((r) => setTimeout(r, Math.min(o.maxBackoffMs, o.backoffMs * 2 ** attempt)));
    }
  }
  await verifyChecksums(file, part);
  renameSync(part, dest);
  return dest;
}

/** One attempt: requests the rest of `part` (Range) and appends the body to it, under the timeouts. */
async function fetchToPart(url: string, part: string, o: DownloadOptions): Promise<void> {
  const have = existsSync(part) ? statSync(part).size : 0;
  const ctl = new AbortController();
  let why = '';
  const abortAfter = (ms: number, reason: string): NodeJS.Timeout =>
    setTimeout(() => {
      why = reason;
      ctl.abort();
    }, ms);
  let timer = abortAfter(o.connectTimeoutMs, `no response within ${o.connectTimeoutMs} ms (connect timeout)`);
  try {
    let res: Response;
    try {
      res = await fetch(url, { headers: have > 0 ? { Range: `bytes=${have}-` } : {}, signal: ctl.signal });
    } catch (err) {
      throw new AttemptError(why || describeCause(err), true);
    }
    if (res.status === 416 && have > 0) return; // the part file is already complete; verified by the caller
    if (res.status !== 200 && res.status !== 206) {
      await res.body?.cancel().catch(() => {});
      throw new AttemptError(`HTTP ${res.status}`, res.status === 429 || res.status >= 500);
    }
    const out = createWriteStream(part, { flags: res.status === 206 && have > 0 ? 'a' : 'w' });
    try {
      if (!res.body) throw new Error('empty response body');
      clearTimeout(timer);
      timer = abortAfter(o.idleTimeoutMs, `no data for ${o.idleTimeoutMs} ms (idle timeout)`);
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        timer.refresh();
        if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
      }
    } catch (err) {
      await new Promise<void>((r) => out.end(() => r()));
      throw new AttemptError(`interrupted after ${statSync(part).size} bytes (${why || describeCause(err)})`, true);
    }
    await new Promise<void>((r, j) => out.end((e?: Error | null) => (e ? j(e) : r())));
  } finally {
    clearTimeout(timer);
  }
}

async function verifyChecksums(file: RemoteFile, part: string): Promise<void> {
  for (const algo of ['sha256', 'md5'] as const) {
    const want = file[algo];
    if (!want) continue;
    const got = await hashFile(part, algo);
    if (got !== want.toLowerCase()) {
      rmSync(part, { force: true });
      throw new Error(`download ${file.url}: ${algo.toUpperCase()} mismatch (got ${got}, expected ${want}); the corrupt file was deleted`);
    }
  }
}

function safeJoin(root: string, name: string, archive: string): string {
  const p = normalize(join(root, name));
  if (p !== root && !p.startsWith(root.endsWith(sep) ? root : root + sep))
    throw new Error(`archive ${archive}: entry "${name}" escapes the target folder`);
  return p;
}

/** Extracts a (gzip-compressed) POSIX/ustar tar archive into `dir`; regular files and folders only. */
export function extractTar(bytes: Uint8Array, dir: string, name = '<tar>'): string[] {
  const data = bytes[0] === 0x1f && bytes[1] === 0x8b ? new Uint8Array(gunzipSync(bytes)) : bytes;
  const dec = new TextDecoder();
  const str = (a: number, b: number) => dec.decode(data.subarray(a, b)).replace(/\0.*$/s, '');
  const files: string[] = [];
  for (let off = 0; off + 512 <= data.length;) {
    if (data.subarray(off, off + 512).every((v) => v === 0)) break;
    const size = parseInt(str(off + 124, off + 136).trim() || '0', 8);
    if (!Number.isFinite(size) || size < 0) throw new Error(`archive ${name}: bad tar header at byte offset ${off}`);
    const prefix = str(off + 257, off + 263).startsWith('ustar') ? str(off + 345, off + 500) : '';
    const entry = (prefix ? `${prefix}/` : '') + str(off, off + 100);
    const type = String.fromCharCode(data[off + 156]!);
    const body = off + 512;
    if (body + size > data.length) throw new Error(`archive ${name}: entry "${entry}" truncated at byte offset ${data.length}`);
    const target = safeJoin(dir, entry, name);
    if (type === '5') mkdirSync(target, { recursive: true });
    else if (type === '0' || type === '\0') {
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, data.subarray(body, body + size));
      files.push(target);
    }
    off = body + Math.ceil(size / 512) * 512;
  }
  return files;
}

/** Extracts a zip archive (stored or deflated entries, no zip64) into `dir`. */
export function extractZip(bytes: Uint8Array, dir: string, name = '<zip>'): string[] {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let eocd = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 65557); i--)
    if (v.getUint32(i, true) === 0x06054b50) {
      eocd = i;
      break;
    }
  if (eocd < 0) throw new Error(`archive ${name}: no zip end-of-central-directory record (truncated or not a zip)`);
  const count = v.getUint16(eocd + 10, true);
  let p = v.getUint32(eocd + 16, true);
  const dec = new TextDecoder();
  const files: string[] = [];
  for (let k = 0; k < count; k++) {
    if (p + 46 > bytes.length || v.getUint32(p, true) !== 0x02014b50)
      throw new Error(`archive ${name}: bad central directory entry at byte offset ${p}`);
    const method = v.getUint16(p + 10, true),
      csize = v.getUint32(p + 20, true),
      usize = v.getUint32(p + 24, true);
    const nlen = v.getUint16(p + 28, true),
      elen = v.getUint16(p + 30, true),
      clen = v.getUint16(p + 32, true);
    const local = v.getUint32(p + 42, true);
    const entry = dec.decode(bytes.subarray(p + 46, p + 46 + nlen));
    p += 46 + nlen + elen + clen;
    const target = safeJoin(dir, entry, name);
    if (entry.endsWith('/')) {
      mkdirSync(target, { recursive: true });
      continue;
    }
    if (v.getUint32(local, true) !== 0x04034b50)
      throw new Error(`archive ${name}: bad local header for "${entry}" at byte offset ${local}`);
    const start = local + 30 + v.getUint16(local + 26, true) + v.getUint16(local + 28, true);
    if (start + csize > bytes.length) throw new Error(`archive ${name}: entry "${entry}" truncated at byte offset ${bytes.length}`);
    const raw = bytes.subarray(start, start + csize);
    let out: Uint8Array;
    if (method === 0) out = raw;
    else if (method === 8) out = inflateRawSync(raw);
    else throw new Error(`archive ${name}: entry "${entry}" uses unsupported compression method ${method}`);
    if (out.length !== usize) throw new Error(`archive ${name}: entry "${entry}" inflated to ${out.length} bytes, expected ${usize}`);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, out);
    files.push(target);
  }
  return files;
}

export interface ResolveOptions {
  /** A folder holding cifar10/ and nmnist/ as in the shared subsets (e.g. ../shared/data). */
  root?: string;
  /** Download into the cache when not found (default false). */
  download?: boolean;
  cacheDir?: string;
  /** Override the remote files (tests point these at a local server). */
  sources?: RemoteFile[];
  /** Timeouts and retries of the download. */
  downloadOptions?: Partial<DownloadOptions>;
}

/** The folder a loader reads: cifar-10-batches-bin for CIFAR-10, the folder with Train/ Test/ for N-MNIST. */
function candidates(name: DatasetName, base: string): string[] {
  return name === 'cifar10' ? [join(base, 'cifar10', 'cifar-10-batches-bin'), join(base, 'cifar-10-batches-bin')] : [join(base, 'nmnist')];
}

function isPresent(name: DatasetName, dir: string): boolean {
  if (!existsSync(dir)) return false;
  return name === 'cifar10'
    ? existsSync(join(dir, 'test_batch.bin')) || existsSync(join(dir, 'data_batch_1.bin'))
    : existsSync(join(dir, 'Train')) || existsSync(join(dir, 'Test'));
}

/**
 * Finds a dataset under `root`, then in the cache; downloads into the cache when allowed.
 * Returns the folder to pass to Cifar10Dataset.load / NmnistDataset.load.
 */
export async function resolveDataset(name: DatasetName, options: ResolveOptions = {}): Promise<string> {
  if (name !== 'cifar10' && name !== 'nmnist')
    throw new Error(`resolveDataset: unknown dataset "${String(name)}" (expected cifar10 or nmnist)`);
  const cache = options.cacheDir ?? defaultCacheDir();
  const look = [...(options.root ? candidates(name, options.root) : []), ...candidates(name, cache)];
  for (const d of look) if (isPresent(name, d)) return d;
  const where = name === 'cifar10' ? 'data_batch_1..5.bin and test_batch.bin' : 'Train/<digit>/*.bin and Test/<digit>/*.bin';
  if (!options.download) {
    throw new Error(`dataset ${name} not found; put ${where} in one of: ${look.join(', ')} (or call with download: true)`);
  }
  const target = join(cache, name);
  mkdirSync(target, { recursive: true });
  try {
    for (const f of options.sources ?? DATASET_SOURCES[name]) {
      const file = await downloadFile(f, join(cache, 'downloads', f.name), options.downloadOptions);
      const bytes = new Uint8Array(readFileSync(file));
      if (f.name.endsWith('.zip')) extractZip(bytes, target, file);
      else extractTar(bytes, target, file);
    }
  } catch (err) {
    throw new Error(`${(err as Error).message}\n(could not download ${name}; put ${where} in ${candidates(name, cache)[0]} by hand)`, {
      cause: err,
    });
  }
  for (const d of candidates(name, cache)) if (isPresent(name, d)) return d;
  throw new Error(`dataset ${name}: archives extracted into ${target} but ${where} are not there`);
}
