import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { crc32, decodeGrayPng, encodeGrayPng } from '../../src/report/png.ts';
import { drawText, rasterFigure, rasterFigurePng } from '../../src/report/rasterFigure.ts';

describe('PNG encoder', () => {
  it('CRC-32 matches the standard check value', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });

  it('writes signature, IHDR (8-bit grayscale) and filter-0 rows that decode to the same pixels', () => {
    const pixels = Uint8Array.from({ length: 5 * 3 }, (_, i) => i * 17);
    const png = encodeGrayPng({ width: 5, height: 3, pixels });
    expect(Array.from(png.subarray(0, 8))).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(new TextDecoder().decode(png.subarray(12, 16))).toBe('IHDR');
    const view = new DataView(png.buffer);
    expect([view.getUint32(16), view.getUint32(20), png[24], png[25]]).toEqual([5, 3, 8, 0]);
    const back = decodeGrayPng(png);
    expect([back.width, back.height]).toEqual([5, 3]);
    expect(Array.from(back.pixels)).toEqual(Array.from(pixels));
    // the IDAT stream is plain zlib: 3 rows of 1 filter byte + 5 pixels
    const idatLen = view.getUint32(33);
    expect(inflateSync(png.subarray(41, 41 + idatLen)).length).toBe(18);
  });

  it('names a size that does not fit the pixels', () => {
    expect(() => encodeGrayPng({ width: 2, height: 2, pixels: new Uint8Array(3) })).toThrow(/3 pixels for 2×2/);
  });
});

describe('raster figure', () => {
  const raster = { T: 4, neurons: 3, data: [1, 0, 0, /* t1 */ 0, 0, 1, /* t2 */ 0, 0, 0, /* t3 */ 0, 1, 0] };

  it('draws time left to right, neuron 0 at the bottom, a title above each panel', () => {
    const img = rasterFigure(
      [
        { title: 'A', raster },
        { title: 'B', raster },
      ],
      { columns: 2, stepsPerPixel: 1, fontScale: 1, gap: 2 },
    );
    const titleH = 7;
    const cellW = 4 + 2;
    expect([img.width, img.height]).toEqual([2 + 2 * cellW, 2 + titleH + 3 + 2]);
    const px = (x: number, y: number) => img.pixels[y * img.width + x];
    const x0 = 2,
      y0 = 2 + titleH; // first panel's raster origin (top-left)
    expect(px(x0 + 0, y0 + 2)).toBe(0); // t0, neuron 0: bottom row
    expect(px(x0 + 1, y0 + 0)).toBe(0); // t1, neuron 2: top row
    expect(px(x0 + 3, y0 + 1)).toBe(0); // t3, neuron 1
    expect(px(x0 + 2, y0 + 1)).toBe(255); // t2: silent
    expect(px(x0 + cellW + 0, y0 + 2)).toBe(0); // second panel, same raster
    expect(px(x0 + 1, 2)).toBe(0); // 'A' top row is 010
  });

  it('bins stepsPerPixel steps into one column', () => {
    const img = rasterFigure([{ title: '', raster }], { stepsPerPixel: 2, fontScale: 1, gap: 1 });
    expect(img.width).toBe(1 + 2 + 1);
  });

  it('encodes to a PNG and names unknown glyphs and mismatched panels', () => {
    expect(decodeGrayPng(rasterFigurePng([{ title: 'X 1.5%', raster }])).width).toBeGreaterThan(0);
    expect(() => drawText({ width: 10, height: 10, pixels: new Uint8Array(100) }, 'é', 0, 0, 1)).toThrow(/no glyph for "É"/);
    expect(() =>
      rasterFigure([
        { title: 'a', raster },
        { title: 'b', raster: { T: 5, neurons: 3, data: new Uint8Array(15) } },
      ]),
    ).toThrow(/panel 1 \(b\) is \[5, 3\]/);
  });
});
