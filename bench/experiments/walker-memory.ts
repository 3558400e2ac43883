/**
 * Issue #11 item 4: the walker controller without any clock input, with memory in the hidden
 * layers (recurrent and/or adaptive LIF), trained by the standard recipe (agents/recipe.ts, walker
 * preset, clockHz 0), then scored on 100 held-out episodes as is and with a one-step actuation
 * delay (the action computed from observation s reaches the env at step s + 1; zeros first).
 *
 * Without a clock the open-loop CPG teacher labels the student's states by the time since the
 * episode start, which the student cannot see; `--phase-feedback 1000` makes the teacher read its
 * phase off the body (agents/teachers/walker.ts), so its labels are a function of the observation
 * (bench/results/recurrent.md, "Walker without a clock input"). The recipe measured there:
 *   --memory none --phase-feedback 1000 --features walker.gaitPhase --perturb none --budget 3000
 *   --opt '{"scoreEpisodes":6}' --episodes 100 --delay-episodes 50
 *
 *   node bin/run-ts.mjs bench/experiments/walker-memory.ts --label spike-seq --memory recurrent --seed 1 [--budget 3000] [--episodes 100] [--out DIR]
 *     [--phase-feedback K]   the teacher's phase feedback (WalkerTeacher `phaseFeedback`, 1/s; 0 = open-loop CPG)
 *     [--window K --warmup W --stride S --batch B]   training windows (control steps) and batch size
 *     [--hidden 128,128] [--perturb none,pushes=5,...]   hidden sizes, training conditions
 *     [--features walker.gaitPhase] [--readout last]   derived observation features (agents/features.ts), readout
 *     [--delay-episodes N]   held-out episodes of the delayed evaluation (default: --episodes)
 *     [--opt '{"scoreEpisodes": 6}']   any other recipe options (JSON, flat RecipeOptions names)
 *
 * Prints one JSON line per evaluation ({label, memory, seed, budget, delay, distance, falls, ...}).
 */
import { parseArgs } from 'node:util';
import { policyFromNetwork } from '../../agents/controller.ts';
import { trainController, type HiddenMemory, type RecipeOptions } from '../../agents/recipe.ts';
import { summarize } from '../../agents/report.ts';
import { boxAction, evaluateActor, policyActor, type Actor } from '../../agents/rollout.ts';
import { makeEnv } from '../../envs/index.ts';
import { makeTeacher } from '../../agents/teachers/index.ts';
import { initBackend } from '../../src/backend/index.ts';

const MEMORY: Record<string, HiddenMemory | undefined> = {
  none: undefined,
  recurrent: { recurrent: true },
  alif: { recurrent: true, adaptive: { beta: 0.2, tauAdapt: 20 } },
  'recurrent-tau': { recurrent: true, learnTau: 'neuron' },
};

/** The actor's action reaches the env one control step late (zeros on the first step). */
function delayed(actor: Actor, channels: number): Actor {
  let pending = new Float64Array(channels);
  return {
    reset(seed) {
      actor.reset(seed);
      pending = new Float64Array(channels);
    },
    act(obs) {
      const out = pending;
      pending = Float64Array.from(actor.act(obs));
      return out;
    },
  };
}

function score(envId: string, actor: Actor, episodes: number): { distance: number; falls: number; line: string } {
  const outcomes = evaluateActor(envId, actor, episodes, 50_000);
  const s = summarize(envId, outcomes);
  return { distance: s.metric, falls: outcomes.filter((o) => o.terminated).length, line: s.success };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      label: { type: 'string', default: 'spike-seq' },
      memory: { type: 'string', default: 'recurrent' },
      seed: { type: 'string', default: '1' },
      budget: { type: 'string' },
      episodes: { type: 'string', default: '100' },
      out: { type: 'string' },
      teacher: { type: 'boolean', default: false },
      'phase-feedback': { type: 'string', default: '0' },
      window: { type: 'string' },
      warmup: { type: 'string' },
      stride: { type: 'string' },
      batch: { type: 'string' },
      hidden: { type: 'string' },
      perturb: { type: 'string' },
      features: { type: 'string' },
      readout: { type: 'string' },
      opt: { type: 'string' },
      'delay-episodes': { type: 'string' },
    },
  });
  await initBackend({ backend: 'auto', quiet: true });
  const episodes = Number(values.episodes);
  const env = 'Walker-v1';
  const phaseFeedback = Number(values['phase-feedback']);
  const teacherOptions: Record<string, number> = phaseFeedback > 0 ? { phaseFeedback } : {};
  const num = (k: 'window' | 'warmup' | 'stride' | 'batch'): number | undefined => (values[k] ? Number(values[k]) : undefined);
  if (values.teacher) {
    for (const delay of [0, 1]) {
      const probe = makeEnv(env);
      const channels = boxAction(probe).scale.length;
      probe.close();
      const actor: Actor = makeTeacher(env, teacherOptions);
      const r = score(env, delay ? delayed(actor, channels) : actor, episodes);
      console.log(JSON.stringify({ actor: 'teacher', phaseFeedback, delay, episodes, ...r }));
    }
    return;
  }
  if (!(values.memory! in MEMORY)) throw new Error(`--memory must be one of ${Object.keys(MEMORY).join(', ')}`);
  const label = values.label as 'spike-seq' | 'rate';
  const memory = MEMORY[values.memory!];
  const t0 = performance.now();
  const trained = trainController(
    {
      env,
      label,
      seed: Number(values.seed),
      clockHz: 0,
      teacherOptions,
      ...(memory ? { hiddenMemory: memory } : {}),
      ...(num('window') !== undefined ? { window: num('window') } : {}),
      ...(num('warmup') !== undefined ? { warmup: num('warmup') } : {}),
      ...(num('stride') !== undefined ? { stride: num('stride') } : {}),
      ...(num('batch') !== undefined ? { batchSize: num('batch') } : {}),
      ...(values.hidden ? { hidden: values.hidden.split(',').map(Number) } : {}),
      ...(values.perturb ? { trainPerturbations: values.perturb.split(',') } : {}),
      ...(values.features ? { features: values.features.split(',') } : {}),
      ...(values.readout ? { readout: values.readout as 'mean' | 'last' } : {}),
      ...(values.opt ? (JSON.parse(values.opt) as Partial<RecipeOptions>) : {}),
      ...(values.budget ? { budget: Number(values.budget) } : {}),
    },
    { log: (l) => console.error(l), ...(values.out ? { outDir: values.out } : {}) },
  );
  const trainS = (performance.now() - t0) / 1000;
  try {
    const channels = trained.spec.actionScale.length;
    for (const delay of [0, 1]) {
      const actor = policyActor(policyFromNetwork(trained.network, trained.spec));
      const n = delay && values['delay-episodes'] ? Number(values['delay-episodes']) : episodes;
      const r = score(env, delay ? delayed(actor, channels) : actor, n);
      console.log(
        JSON.stringify({
          label,
          memory: values.memory,
          phaseFeedback,
          window: num('window'),
          features: values.features,
          perturb: values.perturb,
          opt: values.opt,
          seed: Number(values.seed),
          budget: trained.spec.training?.['recipe'] ? (trained.spec.training['recipe'] as { budget: number }).budget : undefined,
          bestRound: trained.best.round,
          trainS: Math.round(trainS),
          delay,
          episodes: n,
          ...r,
        }),
      );
    }
  } finally {
    trained.network.dispose();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
