/**
 * Learning curves as one hand-written SVG: left panel loss vs epoch, right panel accuracy vs
 * epoch, train and test series in each. Missing values (e.g. no test loss) are skipped.
 * `panelsSvg` is the general form (any panels side by side, any x label), used e.g. for the
 * per-round score and loss of a controller's training.
 */
import { escapeXml, niceTicks } from './svg.ts';

export interface CurvePoint {
  epoch: number;
  loss: number;
  accuracy?: number;
  testLoss?: number;
  testAccuracy?: number;
}

export interface Series {
  name: string;
  color: string;
  points: [number, number][];
}

const PANEL_W = 360;
const PANEL_H = 240;
const MARGIN = { left: 55, right: 15, top: 30, bottom: 40 };

export interface Panel {
  title: string;
  yLabel: string;
  series: Series[];
  /** Fixed y range; default from 0 (or the lowest value) to the highest value. */
  fixedY?: [number, number];
}

function panel(x0: number, xLabel: string, { title, yLabel, series, fixedY }: Panel): string {
  const all = series.flatMap((s) => s.points);
  const out: string[] = [`<g transform="translate(${x0},0)">`];
  out.push(`<text x="${MARGIN.left + PANEL_W / 2}" y="18" text-anchor="middle" font-size="13">${escapeXml(title)}</text>`);
  if (all.length === 0) {
    out.push(`<text x="${MARGIN.left + PANEL_W / 2}" y="${MARGIN.top + PANEL_H / 2}" text-anchor="middle">no data</text></g>`);
    return out.join('\n');
  }
  const xs = all.map((p) => p[0]);
  const ys = all.map((p) => p[1]);
  const xLo = Math.min(...xs, 0);
  const xHi = Math.max(...xs, 1);
  const yMax = Math.max(...ys);
  const [yLo, yHi] = fixedY ?? [Math.min(0, ...ys), yMax > 0 ? yMax * 1.05 : yMax < 0 ? 0 : 1];
  const sx = (x: number): number => MARGIN.left + ((x - xLo) / (xHi - xLo)) * PANEL_W;
  const sy = (y: number): number => MARGIN.top + PANEL_H - ((y - yLo) / (yHi - yLo || 1)) * PANEL_H;
  out.push(`<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${PANEL_W}" height="${PANEL_H}" fill="none" stroke="#888"/>`);
  for (const t of niceTicks(yLo, yHi)) {
    if (t < yLo || t > yHi) continue;
    out.push(`<line x1="${MARGIN.left}" x2="${MARGIN.left + PANEL_W}" y1="${sy(t)}" y2="${sy(t)}" stroke="#eee"/>`);
    out.push(`<text x="${MARGIN.left - 5}" y="${sy(t) + 4}" text-anchor="end">${t}</text>`);
  }
  for (const t of niceTicks(xLo, xHi)) {
    if (t < xLo || t > xHi || !Number.isInteger(t)) continue;
    out.push(`<text x="${sx(t)}" y="${MARGIN.top + PANEL_H + 16}" text-anchor="middle">${t}</text>`);
  }
  out.push(`<text x="${MARGIN.left + PANEL_W / 2}" y="${MARGIN.top + PANEL_H + 34}" text-anchor="middle">${escapeXml(xLabel)}</text>`);
  out.push(
    `<text x="14" y="${MARGIN.top + PANEL_H / 2}" text-anchor="middle" transform="rotate(-90 14 ${MARGIN.top + PANEL_H / 2})">${escapeXml(yLabel)}</text>`,
  );
  series.forEach((s, i) => {
    if (s.points.length === 0) return;
    const d = s.points.map((p, j) => `${j === 0 ? 'M' : 'L'}${sx(p[0]).toFixed(1)},${sy(p[1]).toFixed(1)}`).join(' ');
    out.push(`<path d="${d}" fill="none" stroke="${s.color}" stroke-width="2"/>`);
    for (const p of s.points) out.push(`<circle cx="${sx(p[0]).toFixed(1)}" cy="${sy(p[1]).toFixed(1)}" r="2.5" fill="${s.color}"/>`);
    const ly = MARGIN.top + 14 + i * 16;
    out.push(
      `<line x1="${MARGIN.left + 10}" x2="${MARGIN.left + 30}" y1="${ly - 4}" y2="${ly - 4}" stroke="${s.color}" stroke-width="2"/>`,
    );
    out.push(`<text x="${MARGIN.left + 35}" y="${ly}">${escapeXml(s.name)}</text>`);
  });
  out.push('</g>');
  return out.join('\n');
}

function pick(points: readonly CurvePoint[], key: keyof CurvePoint): [number, number][] {
  return points.filter((p) => typeof p[key] === 'number' && Number.isFinite(p[key])).map((p) => [p.epoch, p[key] as number]);
}

/** Panels side by side under one title, sharing the x label. */
export function panelsSvg(title: string, xLabel: string, panels: readonly Panel[]): string {
  const pw = MARGIN.left + PANEL_W + MARGIN.right;
  const w = Math.max(1, panels.length) * pw;
  const h = 30 + MARGIN.top + PANEL_H + MARGIN.bottom;
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" font-family="sans-serif" font-size="11">`,
    `<rect width="${w}" height="${h}" fill="white"/>`,
    `<text x="${w / 2}" y="16" text-anchor="middle" font-size="14">${escapeXml(title)}</text>`,
    '<g transform="translate(0,24)">',
    ...panels.map((p, i) => panel(i * pw, xLabel, p)),
    '</g>',
    '</svg>',
  ];
  return `${out.join('\n')}\n`;
}

/** Loss and accuracy (in %) against epoch; `title` goes on top. */
export function learningCurvesSvg(points: readonly CurvePoint[], title = 'learning curves'): string {
  const pct = (s: [number, number][]): [number, number][] => s.map(([e, v]) => [e, 100 * v]);
  return panelsSvg(title, 'epoch', [
    {
      title: 'loss',
      yLabel: 'loss',
      series: [
        { name: 'train', color: '#1f77b4', points: pick(points, 'loss') },
        { name: 'test', color: '#d62728', points: pick(points, 'testLoss') },
      ],
    },
    {
      title: 'accuracy',
      yLabel: 'accuracy (%)',
      series: [
        { name: 'train', color: '#1f77b4', points: pct(pick(points, 'accuracy')) },
        { name: 'test', color: '#d62728', points: pct(pick(points, 'testAccuracy')) },
      ],
      fixedY: [0, 100],
    },
  ]);
}
