/**
 * `spikeloop record --env ID --out FILE.jsonl|.csv`: records a teacher's episodes as a
 * demonstrations file (format in agents/demos.ts), the input of `train-controller --demos`.
 */
import { parsePerturbation, resolveEnvId } from '../../envs/index.ts';
import { makeTeacher } from '../../agents/teachers/index.ts';
import { recordTeacher, writeDemos } from '../../agents/demos.ts';
import { loadUserModules, USER_MODULE_HELP, USER_MODULE_OPTIONS, userModuleFiles } from '../userModules.ts';
import { envOption, intOption, parseCommand } from '../options.ts';

export const summary = "record a teacher's episodes as demonstrations (JSONL or CSV) for behaviour cloning";

const HELP = `usage: spikeloop record --env NAME --out FILE.jsonl|FILE.csv [options]

  --env NAME            environment (a built-in, or one registered by --env-module)
  --out FILE            where to write (.jsonl or .csv; written through a temp file)
  --episodes N          episodes to record (default 20)
  --seed S              episode e is reset with seed S + e (default 0)
  --max-steps N         cap on steps per episode (default: the env's time limit)
  --noise F             Gaussian noise on the executed action, σ = F × the action bound (default 0);
                        the file records the teacher's clean action, so it shows recoveries too
  --noise-correlation R step-to-step correlation of that noise, in [0, 1) (default 0: white)
  --perturb SPEC        record under a perturbation, e.g. pushes=0.08 or 'none' (see spikeloop eval
                        --help); repeatable: episode e runs under the (e mod count)-th
${USER_MODULE_HELP}
  -h, --help            this text

To record yourself driving the body from the keyboard instead of a teacher:
  spikeloop viz --env NAME --controller keyboard --record FILE.jsonl`;

const OPTIONS = {
  env: { type: 'string' },
  out: { type: 'string' },
  episodes: { type: 'string' },
  seed: { type: 'string' },
  'max-steps': { type: 'string' },
  noise: { type: 'string' },
  'noise-correlation': { type: 'string' },
  perturb: { type: 'string', multiple: true },
  ...USER_MODULE_OPTIONS,
} as const;

export async function run(argv: string[]): Promise<number> {
  const values = parseCommand(argv, OPTIONS, HELP);
  if (!values) return 0;
  await loadUserModules(userModuleFiles(values));
  const env = envOption(values.env);
  if (values.out === undefined) throw new Error('--out is required (a .jsonl or .csv file)');
  if (!/\.(jsonl|csv)$/.test(values.out)) throw new Error(`--out must end in .jsonl or .csv, got '${values.out}'`);
  const episodes = intOption('episodes', values.episodes, 1) ?? 20;
  const seed = intOption('seed', values.seed, 0) ?? 0;
  const maxSteps = intOption('max-steps', values['max-steps'], 1) ?? Infinity;
  const noise = values.noise === undefined ? 0 : Number(values.noise);
  if (!(Number.isFinite(noise) && noise >= 0)) throw new Error(`--noise must be a number >= 0, got '${values.noise}'`);
  const rho = values['noise-correlation'] === undefined ? 0 : Number(values['noise-correlation']);
  if (!(rho >= 0 && rho < 1)) throw new Error(`--noise-correlation must be a number in [0, 1), got '${values['noise-correlation']}'`);
  for (const p of values.perturb ?? []) parsePerturbation(p); // a bad spec fails here, naming itself
  const recorded = recordTeacher(env, makeTeacher(env), {
    episodes,
    seed,
    maxSteps,
    noise,
    noiseCorrelation: rho,
    perturbations: values.perturb ?? [],
  });
  writeDemos(values.out, recorded);
  const steps = recorded.reduce((n, e) => n + e.steps.length, 0);
  console.log(`spikeloop record: ${resolveEnvId(env)}, ${episodes} episodes, ${steps} steps → ${values.out}`);
  return 0;
}
