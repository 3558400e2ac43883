/**
 * Plots of multi-seed results as hand-written SVG:
 *   groupsSvg  one column per group: every seed's value as a dot, the mean as a bar, the 95% CI as a whisker
 *   pairedSvg  two columns (A, B), one line per seed joining its two values: paired differences at a glance
 */
import type { MeanCi } from './stats.ts';
import { escapeXml, niceTicks } from './svg.ts';

export interface GroupPoints {
  /** The group's name, one line each (e.g. ['env=cartpole', 'label=rate']). */
  label: readonly string[];
  values: readonly number[];
  ci: MeanCi;
}

const H = 260;
const M = { left: 60, right: 20, top: 40, bottom: 70 };

function yScale(all: readonly number[]): { lo: number; hi: number; sy: (y: number) => number; ticks: number[] } {
  const finite = all.filter(Number.isFinite);
  let lo = finite.length ? Math.min(...finite) : 0;
  let hi = finite.length ? Math.max(...finite) : 1;
  const pad = (hi - lo) * 0.08 || Math.abs(hi) * 0.1 || 1;
  lo -= pad;
  hi += pad;
  const ticks = niceTicks(lo, hi).filter((t) => t >= lo && t <= hi);
  return { lo, hi, ticks, sy: (y) => M.top + H - ((y - lo) / (hi - lo)) * H };
}

function frame(w: number, title: string, yLabel: string, sy: (y: number) => number, ticks: readonly number[], extraBottom = 0): string[] {
  const h = M.top + H + M.bottom + extraBottom;
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${w / 2}" y="20" text-anchor="middle" font-size="14">${escapeXml(title)}</text>`,
    `<rect x="${M.left}" y="${M.top}" width="${w - M.left - M.right}" height="${H}" fill="none" stroke="#888"/>`,
    `<text x="14" y="${M.top + H / 2}" text-anchor="middle" transform="rotate(-90 14 ${M.top + H / 2})">${escapeXml(yLabel)}</text>`,
  ];
  for (const t of ticks) {
    out.push(`<line x1="${M.left}" x2="${w - M.right}" y1="${sy(t).toFixed(1)}" y2="${sy(t).toFixed(1)}" stroke="#eee"/>`);
    out.push(`<text x="${M.left - 5}" y="${(sy(t) + 4).toFixed(1)}" text-anchor="end">${t}</text>`);
  }
  return out;
}

/** Per-group dots, mean and 95% CI of one metric. */
export function groupsSvg(groups: readonly GroupPoints[], metric: string, title = metric): string {
  const colW = 110;
  const w = M.left + M.right + Math.max(1, groups.length) * colW;
  const { sy, ticks } = yScale(groups.flatMap((g) => [...g.values, g.ci.lo, g.ci.hi]));
  const labelLines = Math.max(1, ...groups.map((g) => g.label.length));
  const extra = 14 * (labelLines - 1);
  const out = frame(w, title, metric, sy, ticks, extra);
  groups.forEach((g, i) => {
    const cx = M.left + colW * (i + 0.5);
    if (Number.isFinite(g.ci.lo)) {
      out.push(
        `<line x1="${cx}" x2="${cx}" y1="${sy(g.ci.lo).toFixed(1)}" y2="${sy(g.ci.hi).toFixed(1)}" stroke="#1f77b4" stroke-width="2"/>`,
      );
      for (const y of [g.ci.lo, g.ci.hi])
        out.push(
          `<line x1="${cx - 8}" x2="${cx + 8}" y1="${sy(y).toFixed(1)}" y2="${sy(y).toFixed(1)}" stroke="#1f77b4" stroke-width="2"/>`,
        );
    }
    if (Number.isFinite(g.ci.mean))
      out.push(
        `<line x1="${cx - 22}" x2="${cx + 22}" y1="${sy(g.ci.mean).toFixed(1)}" y2="${sy(g.ci.mean).toFixed(1)}" stroke="#d62728" stroke-width="3"/>`,
      );
    g.values.forEach((v, j) => {
      // spread the dots sideways so equal values stay visible
      const dx = ((j % 7) - 3) * 4 + 30;
      out.push(`<circle cx="${(cx + dx).toFixed(1)}" cy="${sy(v).toFixed(1)}" r="3" fill="#555" fill-opacity="0.7"/>`);
    });
    g.label.forEach((line, j) => out.push(`<text x="${cx}" y="${M.top + H + 16 + 14 * j}" text-anchor="middle">${escapeXml(line)}</text>`));
    out.push(`<text x="${cx}" y="${M.top + H + 16 + 14 * g.label.length}" text-anchor="middle" fill="#666">n=${g.values.length}</text>`);
  });
  out.push(`<text x="${M.left}" y="${M.top + H + 55 + extra}" fill="#666">dots: seeds; red: mean; blue: 95% t confidence interval</text>`);
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

export interface PairedPoints {
  aLabel: string;
  bLabel: string;
  pairs: ReadonlyArray<{ label: string; a: number; b: number }>;
}

/** A slope chart: each seed's value under A joined to its value under B. */
export function pairedSvg(p: PairedPoints, metric: string, title: string): string {
  const w = M.left + M.right + 340;
  const { sy, ticks } = yScale(p.pairs.flatMap((q) => [q.a, q.b]));
  const out = frame(w, title, metric, sy, ticks);
  const xa = M.left + 90;
  const xb = M.left + 250;
  for (const q of p.pairs) {
    const color = q.a > q.b ? '#1f77b4' : q.a < q.b ? '#d62728' : '#888';
    out.push(`<line x1="${xa}" x2="${xb}" y1="${sy(q.a).toFixed(1)}" y2="${sy(q.b).toFixed(1)}" stroke="${color}" stroke-width="1.5"/>`);
    out.push(
      `<circle cx="${xa}" cy="${sy(q.a).toFixed(1)}" r="3" fill="${color}"/><circle cx="${xb}" cy="${sy(q.b).toFixed(1)}" r="3" fill="${color}"/>`,
    );
  }
  // seed names beside the B ends, pushed apart where values coincide
  const labels = p.pairs.map((q) => ({ text: q.label, y: sy(q.b) + 4 })).sort((u, v) => u.y - v.y);
  labels.forEach((l, i) => {
    if (i > 0) l.y = Math.max(l.y, labels[i - 1]!.y + 12);
    out.push(`<text x="${xb + 8}" y="${l.y.toFixed(1)}" fill="#666">${escapeXml(l.text)}</text>`);
  });
  out.push(`<text x="${xa}" y="${M.top + H + 16}" text-anchor="middle">${escapeXml(p.aLabel)}</text>`);
  out.push(`<text x="${xb}" y="${M.top + H + 16}" text-anchor="middle">${escapeXml(p.bLabel)}</text>`);
  out.push(`<text x="${M.left}" y="${M.top + H + 55}" fill="#666">one line per seed; blue: A higher, red: B higher</text>`);
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
