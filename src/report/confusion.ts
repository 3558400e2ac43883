/**
 * Confusion matrices: counts m[true][predicted], CSV with a header row and an SVG heat map whose
 * cell shade is the row-normalised rate (so rare classes read as clearly as common ones).
 */
import { escapeXml } from './svg.ts';

export type ConfusionMatrix = number[][];

export function emptyConfusion(numClasses: number): ConfusionMatrix {
  if (!Number.isInteger(numClasses) || numClasses < 1)
    throw new Error(`confusion: numClasses must be a positive integer, got ${numClasses}`);
  return Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
}

/** Adds one batch of (true, predicted) pairs to `m` in place. */
export function addToConfusion(m: ConfusionMatrix, labels: ArrayLike<number>, predicted: ArrayLike<number>): ConfusionMatrix {
  if (labels.length !== predicted.length) throw new Error(`confusion: ${labels.length} labels but ${predicted.length} predictions`);
  const n = m.length;
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i]!;
    const p = predicted[i]!;
    if (!Number.isInteger(y) || y < 0 || y >= n) throw new Error(`confusion: label[${i}] = ${y} is not a class in [0, ${n})`);
    if (!Number.isInteger(p) || p < 0 || p >= n) throw new Error(`confusion: prediction[${i}] = ${p} is not a class in [0, ${n})`);
    m[y]![p]! += 1;
  }
  return m;
}

export function confusionAccuracy(m: ConfusionMatrix): number {
  let diag = 0;
  let total = 0;
  m.forEach((row, i) => row.forEach((v, j) => ((total += v), i === j && (diag += v))));
  return total === 0 ? 0 : diag / total;
}

function checkNames(m: ConfusionMatrix, classNames: readonly string[]): void {
  if (classNames.length !== m.length) throw new Error(`confusion: ${m.length} classes but ${classNames.length} class names`);
}

function csvField(s: string): string {
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Rows = true class, columns = predicted class; first column names the true class. */
export function confusionCsv(m: ConfusionMatrix, classNames: readonly string[]): string {
  checkNames(m, classNames);
  const head = ['true\\predicted', ...classNames].map(csvField).join(',');
  const rows = m.map((row, i) => [csvField(classNames[i]!), ...row.map(String)].join(','));
  return `${[head, ...rows].join('\n')}\n`;
}

/** A heat map with counts in the cells and per-class recall on the right. */
export function confusionSvg(m: ConfusionMatrix, classNames: readonly string[], title = 'confusion matrix'): string {
  checkNames(m, classNames);
  const n = m.length;
  const cell = 40;
  const left = 100;
  const top = 110;
  const w = left + n * cell + 80;
  const h = top + n * cell + 50;
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" font-family="sans-serif" font-size="11">`,
  );
  out.push(`<rect width="${w}" height="${h}" fill="white"/>`);
  out.push(
    `<text x="${w / 2}" y="18" text-anchor="middle" font-size="14">${escapeXml(title)} (accuracy ${(100 * confusionAccuracy(m)).toFixed(2)}%)</text>`,
  );
  out.push(`<text x="${left + (n * cell) / 2}" y="38" text-anchor="middle">predicted</text>`);
  out.push(`<text x="14" y="${top + (n * cell) / 2}" text-anchor="middle" transform="rotate(-90 14 ${top + (n * cell) / 2})">true</text>`);
  classNames.forEach((name, j) => {
    const x = left + j * cell + cell / 2;
    out.push(`<text x="${x}" y="${top - 6}" transform="rotate(-60 ${x} ${top - 6})">${escapeXml(name)}</text>`);
  });
  out.push(`<text x="${left + n * cell + 8}" y="${top - 6}">recall</text>`);
  m.forEach((row, i) => {
    const total = row.reduce((a, b) => a + b, 0);
    const y = top + i * cell;
    out.push(`<text x="${left - 6}" y="${y + cell / 2 + 4}" text-anchor="end">${escapeXml(classNames[i]!)}</text>`);
    row.forEach((v, j) => {
      const rate = total === 0 ? 0 : v / total;
      // white → dark blue; text flips to white on dark cells
      const shade = Math.round(255 * (1 - rate));
      const fill = `rgb(${shade},${shade},255)`;
      out.push(`<rect x="${left + j * cell}" y="${y}" width="${cell}" height="${cell}" fill="${fill}" stroke="#ccc"/>`);
      out.push(
        `<text x="${left + j * cell + cell / 2}" y="${y + cell / 2 + 4}" text-anchor="middle" fill="${rate > 0.5 ? 'white' : 'black'}">${v}</text>`,
      );
    });
    const recall = total === 0 ? '–' : `${((100 * row[i]!) / total).toFixed(0)}%`;
    out.push(`<text x="${left + n * cell + 8}" y="${y + cell / 2 + 4}">${recall}</text>`);
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
