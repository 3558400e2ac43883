import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateRawSync, gzipSync } from 'node:zlib';
import { downloadFile, extractZip, resolveDataset } from '../../src/data/download.ts';
import { Cifar10Dataset } from '../../src/data/cifar10.ts';
import { NmnistDataset } from '../../src/data/nmnist.ts';
import { useTempDirs } from '../support/tempDirs.ts';

const tempDir = useTempDirs();

function tarEntry(name: string, body: Uint8Array): Uint8Array {
  const h = new Uint8Array(512);
  h.set(new TextEncoder().encode(name), 0);
  h.set(new TextEncoder().encode(body.length.toString(8).padStart(11, '0') + '\0'), 124);
  h[156] = '0'.charCodeAt(0);
  h.set(new TextEncoder().encode('ustar\0'), 257);
  const out = new Uint8Array(512 + Math.ceil(body.length / 512) * 512);
  out.set(h, 0);
  out.set(body, 512);
  return out;
}

function zipOf(files: Record<string, Uint8Array>): Uint8Array {
  const locals: Buffer[] = [],
    centrals: Buffer[] = [];
  let off = 0;
  for (const [name, data] of Object.entries(files)) {
    const comp = deflateRawSync(data),
      n = Buffer.from(name);
    const l = Buffer.alloc(30);
    l.writeUInt32LE(0x04034b50, 0);
    l.writeUInt16LE(8, 8);
    l.writeUInt32LE(comp.length, 18);
    l.writeUInt32LE(data.length, 22);
    l.writeUInt16LE(n.length, 26);
    const c = Buffer.alloc(46);
    c.writeUInt32LE(0x02014b50, 0);
    c.writeUInt16LE(8, 10);
    c.writeUInt32LE(comp.length, 20);
    c.writeUInt32LE(data.length, 24);
    c.writeUInt16LE(n.length, 28);
    c.writeUInt32LE(off, 42);
    locals.push(l, n, comp);
    centrals.push(c, n);
    off += 30 + n.length + comp.length;
  }
  const cd = Buffer.concat(centrals);
  const e = Buffer.alloc(22);
  e.writeUInt32LE(0x06054b50, 0);
  e.writeUInt16LE(Object.keys(files).length, 8);
  e.writeUInt16LE(Object.keys(files).length, 10);
  e.writeUInt32LE(cd.length, 12);
  e.writeUInt32LE(off, 16);
  return new Uint8Array(Buffer.concat([...locals, cd, e]));
}

// A small real CIFAR-10 archive: the fixture batches in cifar-10-batches-bin/.
const FIX = join(import.meta.dirname, '..', 'fixtures', 'cifar10');
const archive = gzipSync(
  Buffer.concat([
    tarEntry('cifar-10-batches-bin/data_batch_1.bin', readFileSync(join(FIX, 'data_batch_1.bin'))),
    tarEntry('cifar-10-batches-bin/test_batch.bin', readFileSync(join(FIX, 'test_batch.bin'))),
    new Uint8Array(1024),
  ]),
);
const md5 = createHash('md5').update(archive).digest('hex');
const NM = join(import.meta.dirname, '..', 'fixtures', 'nmnist');
const nmZip = zipOf({
  'Test/7/00001.bin': readFileSync(join(NM, 'Test', '7', '00001.bin')),
  'Test/2/00002.bin': readFileSync(join(NM, 'Test', '2', '00002.bin')),
});

let server: Server;
let base = '';
const seen: { path: string; range?: string }[] = [];
let cutNext = false;

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push({ path: req.url ?? '', range: req.headers.range });
    const body =
      req.url === '/nm.zip'
        ? Buffer.from(nmZip)
        : req.url === '/bad.tar.gz'
          ? Buffer.from(archive).fill(7, 100, 200)
          : Buffer.from(archive);
    const m = /bytes=(\d+)-/.exec(req.headers.range ?? '');
    const start = m ? Number(m[1]) : 0;
    res.writeHead(m ? 206 : 200, {
      'Content-Length': body.length - start,
      ...(m ? { 'Content-Range': `bytes ${start}-${body.length - 1}/${body.length}` } : {}),
    });
    if (cutNext) {
      cutNext = false;
      res.write(body.subarray(start, start + 5000), () => res.destroy());
      return;
    }
    res.end(body.subarray(start));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const a = server.address();
  base = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('dataset download', () => {
  it('downloads, verifies MD5, extracts a tar.gz and resolves the loader folder', async () => {
    const cache = tempDir('sl-data-');
    const dir = await resolveDataset('cifar10', {
      cacheDir: cache,
      download: true,
      sources: [{ url: `${base}/good.tar.gz`, name: 'c.tar.gz', md5 }],
    });
    expect(dir).toBe(join(cache, 'cifar10', 'cifar-10-batches-bin'));
    expect(Cifar10Dataset.load(dir, 'train').size).toBe(40);
    // Found in the cache next time without downloading.
    const n = seen.length;
    expect(await resolveDataset('cifar10', { cacheDir: cache })).toBe(dir);
    expect(seen.length).toBe(n);
  });

  it('a checksum mismatch is a clear error and leaves no file that looks good', async () => {
    const cache = tempDir('sl-data-');
    const dest = join(cache, 'bad.tar.gz');
    await expect(downloadFile({ url: `${base}/bad.tar.gz`, name: 'bad.tar.gz', md5 }, dest)).rejects.toThrow(/MD5 mismatch.*deleted/);
    expect(existsSync(dest)).toBe(false);
    expect(existsSync(`${dest}.part`)).toBe(false);
  });

  it('SHA-256 is checked when given (before MD5); a source without any digest is refused', async () => {
    const cache = tempDir('sl-data-');
    const dest = join(cache, 'bad.tar.gz');
    const wrong = createHash('sha256').update('something else').digest('hex');
    await expect(downloadFile({ url: `${base}/bad.tar.gz`, name: 'bad.tar.gz', sha256: wrong, md5 }, dest)).rejects.toThrow(
      /SHA256 mismatch.*deleted/,
    );
    await expect(downloadFile({ url: `${base}/good.tar.gz`, name: 'x.tar.gz' }, join(cache, 'x.tar.gz'))).rejects.toThrow(
      /no sha256 \(or md5\) digest given/,
    );
    expect(existsSync(join(cache, 'x.tar.gz.part'))).toBe(false);
  });

  it('an interrupted transfer resumes with a Range request and completes', async () => {
    const cache = tempDir('sl-data-');
    const dest = join(cache, 'r.tar.gz');
    cutNext = true;
    await expect(downloadFile({ url: `${base}/resume.tar.gz`, name: 'r.tar.gz', md5 }, dest, { retries: 0 })).rejects.toThrow(
      /interrupted.*resume/,
    );
    expect(existsSync(`${dest}.part`)).toBe(true);
    const partial = readFileSync(`${dest}.part`).length;
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(archive.length);
    await downloadFile({ url: `${base}/resume.tar.gz`, name: 'r.tar.gz', md5 }, dest);
    expect(seen.at(-1)!.range).toBe(`bytes=${partial}-`);
    expect(createHash('md5').update(readFileSync(dest)).digest('hex')).toBe(md5);
  });

  it('without data and without download, the error says where to put the files', async () => {
    const cache = tempDir('sl-data-');
    await expect(resolveDataset('nmnist', { cacheDir: cache, root: '/nonexistent' })).rejects.toThrow(
      /Train\/<digit>\/\*\.bin.*\/nonexistent\/nmnist/,
    );
  });

  it('downloads and extracts an N-MNIST style zip into a folder NmnistDataset can load', async () => {
    const cache = tempDir('sl-data-');
    const sha256 = createHash('sha256').update(nmZip).digest('hex');
    const dir = await resolveDataset('nmnist', {
      cacheDir: cache,
      download: true,
      sources: [{ url: `${base}/nm.zip`, name: 'Test.zip', sha256 }],
    });
    const ds = NmnistDataset.load(dir, 'test');
    expect(Array.from(ds.labels)).toEqual([2, 7]);
  });

  it('an unreachable host gives an error that says where to put the files by hand', async () => {
    const cache = tempDir('sl-data-');
    await expect(
      resolveDataset('cifar10', {
        cacheDir: cache,
        download: true,
        sources: [{ url: 'http://127.0.0.1:1/x.tar.gz', name: 'x.tar.gz', md5 }],
        downloadOptions: { retries: 1, backoffMs: 10 },
      }),
    ).rejects.toThrow(
      /failed after 2 attempt\(s\): bad port[^]*put data_batch_1\.\.5\.bin and test_batch\.bin in .*cifar10.cifar-10-batches-bin by hand/,
    );
  });

  it('extracts deflated zip entries (the N-MNIST archive format) and refuses paths escaping the folder', () => {
    const dir = tempDir('sl-zip-');
    const ev = readFileSync(join(import.meta.dirname, '..', 'fixtures', 'nmnist', 'Test', '7', '00001.bin'));
    extractZip(zipOf({ 'Test/7/00001.bin': ev }), dir, 't.zip');
    expect(readFileSync(join(dir, 'Test', '7', '00001.bin'))).toEqual(ev);
    expect(() => extractZip(zipOf({ '../evil.bin': ev }), dir, 'e.zip')).toThrow(/escapes/);
    expect(() => extractZip(new Uint8Array(100), dir, 'junk.zip')).toThrow(/junk\.zip.*end-of-central-directory/);
  });

  it.skipIf(!existsSync(join(import.meta.dirname, '..', '..', '..', 'shared', 'data')))(
    'resolves the shared subsets under root',
    async () => {
      const root = join(import.meta.dirname, '..', '..', '..', 'shared', 'data');
      expect(await resolveDataset('nmnist', { root, cacheDir: tempDir('sl-') })).toBe(join(root, 'nmnist'));
      expect(await resolveDataset('cifar10', { root, cacheDir: tempDir('sl-') })).toBe(join(root, 'cifar10', 'cifar-10-batches-bin'));
    },
  );
});

describe('dataset download against a stalled or flaky server', () => {
  /** A local server whose behaviour per request is scripted by the test. */
  async function scripted(handler: (n: number, req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => void) {
    let n = 0;
    const open = new Set<import('node:net').Socket>();
    const srv = createServer((req, res) => handler(n++, req, res));
    srv.on('connection', (s) => {
      open.add(s);
      s.on('close', () => open.delete(s));
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
    const a = srv.address();
    return {
      url: `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}/f.tar.gz`,
      requests: () => n,
      close: () =>
        new Promise<void>((r) => {
          for (const s of open) s.destroy();
          srv.close(() => r());
        }),
    };
  }

  it('a server that never answers times out (connect timeout), is retried with backoff, and the error names the cause', async () => {
    const s = await scripted(() => {}); // accepts the connection, never sends headers
    try {
      const dest = join(tempDir('sl-stall-'), 'f.tar.gz');
      const t0 = performance.now();
      await expect(
        downloadFile({ url: s.url, name: 'f.tar.gz', md5 }, dest, { connectTimeoutMs: 200, retries: 2, backoffMs: 50 }),
      ).rejects.toThrow(/failed after 3 attempt\(s\): no response within 200 ms \(connect timeout\)/);
      expect(s.requests()).toBe(3);
      // 3 × 200 ms timeouts + 50 + 100 ms backoff; far from the 300 s an unguarded fetch hangs.
      expect(performance.now() - t0).toBeGreaterThan(700);
      expect(performance.now() - t0).toBeLessThan(10000);
    } finally {
      await s.close();
    }
  });

  it('a body that stalls mid-transfer hits the idle timeout, keeps the bytes, and the retry resumes with Range', async () => {
    const body = Buffer.from(archive);
    const ranges: Array<string | undefined> = [];
    const s = await scripted((n, req, res) => {
      ranges.push(req.headers.range);
      const m = /bytes=(\d+)-/.exec(req.headers.range ?? '');
      const start = m ? Number(m[1]) : 0;
      res.writeHead(m ? 206 : 200, { 'Content-Length': body.length - start });
      if (n === 0)
        res.write(body.subarray(0, 3000)); // then silence
      else res.end(body.subarray(start));
    });
    try {
      const dest = join(tempDir('sl-idle-'), 'f.tar.gz');
      await downloadFile({ url: s.url, name: 'f.tar.gz', md5 }, dest, { idleTimeoutMs: 200, retries: 1, backoffMs: 20 });
      expect(ranges).toEqual([undefined, 'bytes=3000-']);
      expect(createHash('md5').update(readFileSync(dest)).digest('hex')).toBe(md5);
    } finally {
      await s.close();
    }
  });

  it('HTTP 503 is retried, 404 is not', async () => {
    const s = await scripted((n, _req, res) => {
      if (n === 0) return void res.writeHead(503).end();
      res.writeHead(404).end();
    });
    try {
      const dest = join(tempDir('sl-http-'), 'f.tar.gz');
      await expect(downloadFile({ url: s.url, name: 'f.tar.gz', md5 }, dest, { retries: 3, backoffMs: 10 })).rejects.toThrow(
        /f\.tar\.gz: HTTP 404$/,
      );
      expect(s.requests()).toBe(2);
    } finally {
      await s.close();
    }
  });
});
