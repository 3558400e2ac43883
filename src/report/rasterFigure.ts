/**
 * Spike rasters as one grayscale PNG: panels in a grid, each with a title line above it.
 * In a panel time runs left to right (`stepsPerPixel` steps per pixel column) and neuron 0 is
 * the bottom row; a pixel is black when its neuron spiked in any of its steps. Titles are drawn
 * with a built-in 3×5 pixel font (upper case, digits, . % - : ( ) / , = and space), so the figure
 * needs no font files and the PNG stays small.
 */
import { encodeGrayPng, type GrayImage } from './png.ts';
import type { RasterLike } from './spikeMetrics.ts';

export interface RasterPanel {
  title: string;
  raster: RasterLike;
}

export interface RasterFigureOptions {
  columns: number;
  stepsPerPixel: number;
  /** Pixels per font pixel of the titles. */
  fontScale: number;
  /** Gap between panels and around the figure, in pixels. */
  gap: number;
}

export const DEFAULT_RASTER_FIGURE: Readonly<RasterFigureOptions> = Object.freeze({ columns: 1, stepsPerPixel: 2, fontScale: 2, gap: 12 });

// each glyph: 5 rows of 3 pixels, top row first
const GLYPHS: Record<string, string> = {
  A: '010101111101101',
  B: '110101110101110',
  C: '011100100100011',
  D: '110101101101110',
  E: '111100110100111',
  F: '111100110100100',
  G: '011100101101011',
  H: '101101111101101',
  I: '111010010010111',
  J: '001001001101010',
  K: '101101110101101',
  L: '100100100100111',
  M: '101111111101101',
  N: '110101101101101',
  O: '010101101101010',
  P: '110101110100100',
  Q: '010101101110011',
  R: '110101110101101',
  S: '011100010001110',
  T: '111010010010010',
  U: '101101101101111',
  V: '101101101101010',
  W: '101101111111101',
  X: '101101010101101',
  Y: '101101010010010',
  Z: '111001010100111',
  '0': '111101101101111',
  '1': '010110010010111',
  '2': '110001010100111',
  '3': '110001010001110',
  '4': '101101111001001',
  '5': '111100110001110',
  '6': '011100111101111',
  '7': '111001010010010',
  '8': '111101111101111',
  '9': '111101111001110',
  '.': '000000000000010',
  '%': '101001010100101',
  '-': '000000111000000',
  ':': '000010000010000',
  '(': '001010010010001',
  ')': '100010010010100',
  '/': '001001010100100',
  ',': '000000000010100',
  '=': '000111000111000',
  ' ': '000000000000000',
};

/** Draws `text` (upper-cased) at (x, y) into `img`, black on white; characters without a glyph are an error. */
export function drawText(img: GrayImage, text: string, x: number, y: number, scale: number): void {
  let cx = x;
  for (const ch of text.toUpperCase()) {
    const g = GLYPHS[ch];
    if (g === undefined) throw new Error(`drawText: no glyph for ${JSON.stringify(ch)} in ${JSON.stringify(text)}`);
    for (let r = 0; r < 5; r++) {
      for (let c = 0; c < 3; c++) {
        if (g[r * 3 + c] !== '1') continue;
        for (let dy = 0; dy < scale; dy++) {
          for (let dx = 0; dx < scale; dx++) {
            const px = cx + c * scale + dx,
              py = y + r * scale + dy;
            if (px >= 0 && px < img.width && py >= 0 && py < img.height) img.pixels[py * img.width + px] = 0;
          }
        }
      }
    }
    cx += 4 * scale;
  }
}

function drawRaster(img: GrayImage, r: RasterLike, x0: number, y0: number, stepsPerPixel: number): void {
  for (let t = 0; t < r.T; t++) {
    const x = x0 + Math.floor(t / stepsPerPixel);
    for (let i = 0; i < r.neurons; i++) if (r.data[t * r.neurons + i]) img.pixels[(y0 + r.neurons - 1 - i) * img.width + x] = 0;
  }
}

function frame(img: GrayImage, x0: number, y0: number, w: number, h: number): void {
  for (let x = x0 - 1; x <= x0 + w; x++) for (const y of [y0 - 1, y0 + h]) img.pixels[y * img.width + x] = 160;
  for (let y = y0 - 1; y <= y0 + h; y++) for (const x of [x0 - 1, x0 + w]) img.pixels[y * img.width + x] = 160;
}

/** The panels as one grayscale image; all rasters must have one shape. */
export function rasterFigure(panels: readonly RasterPanel[], opts: Partial<RasterFigureOptions> = {}): GrayImage {
  const o = { ...DEFAULT_RASTER_FIGURE, ...opts };
  if (panels.length === 0) throw new Error('rasterFigure: no panels');
  for (const [k, v] of Object.entries(o))
    if (!Number.isInteger(v) || v < 1) throw new Error(`rasterFigure: ${k} must be a positive integer, got ${v}`);
  const { T, neurons } = panels[0]!.raster;
  panels.forEach((p, k) => {
    if (p.raster.T !== T || p.raster.neurons !== neurons)
      throw new Error(`rasterFigure: panel ${k} (${p.title}) is [${p.raster.T}, ${p.raster.neurons}], panel 0 is [${T}, ${neurons}]`);
  });
  const w = Math.ceil(T / o.stepsPerPixel);
  const titleH = 7 * o.fontScale;
  const cellW = w + o.gap;
  const cellH = titleH + neurons + o.gap;
  const cols = Math.min(o.columns, panels.length);
  const rows = Math.ceil(panels.length / cols);
  const img: GrayImage = { width: o.gap + cols * cellW, height: o.gap + rows * cellH, pixels: new Uint8Array(0) };
  img.pixels = new Uint8Array(img.width * img.height).fill(255);
  panels.forEach((p, k) => {
    const x0 = o.gap + (k % cols) * cellW;
    const y0 = o.gap + Math.floor(k / cols) * cellH;
    drawText(img, p.title, x0, y0, o.fontScale);
    frame(img, x0, y0 + titleH, w, neurons);
    drawRaster(img, p.raster, x0, y0 + titleH, o.stepsPerPixel);
  });
  return img;
}

/** `rasterFigure` encoded as PNG bytes. */
export function rasterFigurePng(panels: readonly RasterPanel[], opts: Partial<RasterFigureOptions> = {}): Uint8Array {
  return encodeGrayPng(rasterFigure(panels, opts));
}
