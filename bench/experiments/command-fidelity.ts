/**
 * How faithfully a controller reproduces its teacher's command, channel by channel, on the states
 * it meets (bench/notes/2026-12-02e-lead.md): the SNN reads the same observations as the teacher
 * and we compare the two commands along (a) teacher-driven and (b) SNN-driven episodes.
 * Per channel: least-squares slope of SNN on teacher (the student's gain), correlation, the lag in
 * control steps that maximises the correlation (positive = the SNN lags), and the RMS difference.
 *   node bin/run-ts.mjs bench/experiments/command-fidelity.ts DIR [DIR…] [--episodes 5] [--seed 60000] [--steps 600]
 */
import { initBackend } from '../../src/backend/index.ts';
import { loadPolicy } from '../../agents/controller.ts';
import { makeTeacher } from '../../agents/teachers/index.ts';
import { makeEnv } from '../../envs/index.ts';

const args = process.argv.slice(2);
const opt = (name: string, dflt: string): string => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1]! : dflt;
};
const dirs = args.filter((a, i) => !a.startsWith('--') && !(i > 0 && args[i - 1]!.startsWith('--')));
const episodes = Number(opt('--episodes', '5'));
const firstSeed = Number(opt('--seed', '60000'));
const maxSteps = Number(opt('--steps', '600'));
await initBackend({ quiet: true });

interface Stats {
  slope: number;
  corr: number;
  lag: number;
  rms: number;
}
function stats(t: number[], s: number[]): Stats {
  const n = t.length;
  const mean = (v: number[]): number => v.reduce((a, b) => a + b, 0) / v.length;
  const corrAt = (lag: number): number => {
    const a: number[] = [];
    const b: number[] = [];
    for (let i = Math.max(0, lag); i < n + Math.min(0, lag); i++) {
      a.push(t[i - lag]!);
      b.push(s[i]!);
    }
    const ma = mean(a),
      mb = mean(b);
    let sab = 0,
      saa = 0,
      sbb = 0;
    for (let i = 0; i < a.length; i++) {
      sab += (a[i]! - ma) * (b[i]! - mb);
      saa += (a[i]! - ma) ** 2;
      sbb += (b[i]! - mb) ** 2;
    }
    return sab / Math.sqrt(saa * sbb + 1e-12);
  };
  let best = 0;
  for (let l = -3; l <= 5; l++) if (corrAt(l) > corrAt(best)) best = l;
  const mt = mean(t),
    ms = mean(s);
  let stt = 0,
    sts = 0,
    se = 0;
  for (let i = 0; i < n; i++) {
    stt += (t[i]! - mt) ** 2;
    sts += (t[i]! - mt) * (s[i]! - ms);
    se += (t[i]! - s[i]!) ** 2;
  }
  return { slope: sts / stt, corr: corrAt(0), lag: best, rms: Math.sqrt(se / n) };
}

for (const dir of dirs) {
  const { spec, policy } = loadPolicy(dir);
  const teacher = makeTeacher(
    spec.env,
    (spec.training as { recipe?: { teacherOptions?: Record<string, number | boolean> } } | undefined)?.recipe?.teacherOptions ?? {},
  );
  for (const driver of ['teacher', 'snn'] as const) {
    const C = spec.actionLow.length;
    const T: number[][] = Array.from({ length: C }, () => []);
    const S: number[][] = Array.from({ length: C }, () => []);
    let dist = 0,
      falls = 0;
    for (let e = 0; e < episodes; e++) {
      const env = makeEnv(spec.env);
      let obs = env.reset({ seed: firstSeed + e }).observation;
      teacher.reset(firstSeed + e);
      policy.reset();
      for (let k = 0; k < maxSteps; k++) {
        const a = teacher.act(obs);
        const b = policy.step(obs).action;
        for (let c = 0; c < C; c++) {
          T[c]!.push(a[c]!);
          S[c]!.push(b[c]!);
        }
        const r = env.step(driver === 'teacher' ? a : b);
        obs = r.observation;
        if (r.terminated || r.truncated) {
          if (r.terminated) falls++;
          break;
        }
        if (k === maxSteps - 1 || r.terminated) dist += Number(r.info.x ?? 0);
      }
      env.close();
    }
    const st = T.map((t, c) => stats(t, S[c]!));
    const f = (v: number): string => v.toFixed(2);
    console.log(`${dir} [${spec.label}] driven by ${driver}: ${episodes} ep, falls ${falls}, mean x ${(dist / episodes).toFixed(2)}`);
    console.log(
      `  slope ${st.map((s) => f(s.slope)).join(' ')} | corr ${st.map((s) => f(s.corr)).join(' ')} | lag ${st.map((s) => s.lag).join(' ')} | rms ${st.map((s) => f(s.rms)).join(' ')}`,
    );
  }
}
