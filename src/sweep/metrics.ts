/**
 * A cell's metrics: flat numbers read from what its job wrote into the cell's out/ folder.
 *
 *   train-controller   out/controller.json (training record: best round's score, seconds)
 *                      out/eval.json when the spec asks for an evaluation (spikeloop eval --json)
 *   bench              out/results.json (final and best test accuracy, loss, throughput, times)
 *   eval               out/eval.json (mean/std/min return, the env's metric, and successShare when
 *                      the success text counts episodes: cartpole balanced, reacher reached)
 *
 * An evaluation under a suite (eval --suite, `evaluate.suite`) gives per condition C (nominal,
 * pushes, ...): `C.meanReturn`, `C.successRate`, `C.teacherReturn`, `C.teacherSuccessRate` and
 * `C.relScore`, the teacher-relative score 1 + (R − R_teacher)/|R_teacher| of the controller's mean
 * return R on the teacher's own episodes (1 = the teacher's return, 0.5 = half of it for positive
 * returns or 50% worse for negative ones, as on the pendulum); and over the perturbed conditions
 * (all but nominal) their means `perturbed.successRate` and `perturbed.relScore`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SweepJob } from './spec.ts';

export type Metrics = Record<string, number>;

/** The metric a report leads with when the spec does not name one. */
export function defaultMetric(job: SweepJob, evaluated: boolean, suite = false): string {
  if (job === 'bench') return 'testAccuracy';
  if (suite) return 'nominal.relScore';
  return job === 'eval' || evaluated ? 'metric' : 'trainScore';
}

function readJson(path: string, what: string): Record<string, unknown> {
  if (!existsSync(path)) throw new Error(`the job wrote no ${what} (${path})`);
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
}

/** Keeps the finite numbers of `pairs`, so a missing field is absent rather than NaN. */
function numbers(pairs: Record<string, unknown>): Metrics {
  const out: Metrics = {};
  for (const [k, v] of Object.entries(pairs)) if (typeof v === 'number' && Number.isFinite(v)) out[k] = v;
  return out;
}

/** The share of successful episodes when the eval's success text counts them ('15/20 balance to the step limit'). */
function successShare(success: unknown): number | undefined {
  const m = typeof success === 'string' ? /^(\d+)\/(\d+) /.exec(success) : null;
  return m ? Number(m[1]) / Number(m[2]) : undefined;
}

interface SuiteCell {
  meanReturn: number;
  successRate: number;
}

/** The metrics of an eval --suite document: the teacher is the first controller of each condition. */
export function suiteMetrics(doc: Record<string, unknown>, source = 'eval.json'): Metrics {
  const conditions = doc['conditions'] as Array<{ condition: string; cells: SuiteCell[] }>;
  const out: Metrics = {};
  const perturbed: Array<{ relScore: number; successRate: number }> = [];
  for (const c of conditions) {
    const [teacher, snn] = c.cells;
    if (!teacher || !snn || c.cells.length !== 2)
      throw new Error(`${source}: condition '${c.condition}' should hold the teacher and one controller (${c.cells.length} cells)`);
    // |R_teacher| of 0 would make the ratio meaningless; no env's teacher returns exactly 0
    const relScore = teacher.meanReturn === 0 ? NaN : 1 + (snn.meanReturn - teacher.meanReturn) / Math.abs(teacher.meanReturn);
    Object.assign(
      out,
      numbers({
        [`${c.condition}.meanReturn`]: snn.meanReturn,
        [`${c.condition}.successRate`]: snn.successRate,
        [`${c.condition}.teacherReturn`]: teacher.meanReturn,
        [`${c.condition}.teacherSuccessRate`]: teacher.successRate,
        [`${c.condition}.relScore`]: relScore,
      }),
    );
    if (c.condition !== 'nominal') perturbed.push({ relScore, successRate: snn.successRate });
  }
  if (perturbed.length > 0) {
    const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
    Object.assign(
      out,
      numbers({
        'perturbed.relScore': mean(perturbed.map((p) => p.relScore)),
        'perturbed.successRate': mean(perturbed.map((p) => p.successRate)),
      }),
    );
  }
  return numbers({ ...out, episodes: doc['episodes'], evalSeconds: doc['seconds'] });
}

function evalMetrics(path: string): Metrics {
  const e = readJson(path, 'eval.json');
  if (Array.isArray(e['conditions'])) return suiteMetrics(e, path);
  return numbers({
    meanReturn: e['meanReturn'],
    stdReturn: e['stdReturn'],
    minReturn: e['minReturn'],
    metric: e['metric'],
    successShare: successShare(e['success']),
    episodes: e['episodes'],
    evalSeconds: e['seconds'],
  });
}

function controllerMetrics(outDir: string): Metrics {
  const spec = readJson(join(outDir, 'controller.json'), 'controller.json');
  const training = (spec['training'] ?? {}) as {
    bestRound?: number;
    seconds?: number;
    rounds?: Array<{ round: number; score: number; steps: number }>;
  };
  const best = training.rounds?.find((r) => r.round === training.bestRound);
  return numbers({ trainScore: best?.score, bestRound: training.bestRound, trainSteps: best?.steps, trainSeconds: training.seconds });
}

function benchMetrics(outDir: string): Metrics {
  const r = readJson(join(outDir, 'results.json'), 'results.json') as {
    final?: Record<string, unknown>;
    throughput?: Record<string, unknown>;
    epochs?: unknown[];
    wallSeconds?: number;
    trainSeconds?: number;
  };
  return numbers({
    testAccuracy: r.final?.['testAccuracy'],
    bestTestAccuracy: r.final?.['bestTestAccuracy'],
    testLoss: r.final?.['testLoss'],
    trainImagesPerSec: r.throughput?.['trainImagesPerSec'],
    inferenceImagesPerSec: r.throughput?.['inferenceImagesPerSec'],
    epochs: r.epochs?.length,
    trainSeconds: r.trainSeconds,
    wallSeconds: r.wallSeconds,
  });
}

/** Reads the metrics of a finished job from its out/ folder; throws when its result file is missing. */
export function readJobMetrics(job: SweepJob, outDir: string, evaluated: boolean): Metrics {
  switch (job) {
    case 'train-controller':
      return { ...controllerMetrics(outDir), ...(evaluated ? evalMetrics(join(outDir, 'eval.json')) : {}) };
    case 'bench':
      return benchMetrics(outDir);
    case 'eval':
      return evalMetrics(join(outDir, 'eval.json'));
  }
}
