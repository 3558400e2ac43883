/**
 * Issue #11 item 4: the walker controller without any clock input, with memory in the hidden
 * layers (recurrent and/or adaptive LIF), trained by the standard recipe (agents/recipe.ts, walker
 * preset, clockHz 0), then scored on 100 held-out episodes as is and with a one-step actuation
 * delay (the action computed from observation s reaches the env at step s + 1; zeros first).
 *
 *   node bin/run-ts.mjs bench/experiments/walker-memory.ts --label spike-seq --memory recurrent --seed 1 [--budget 3000] [--episodes 100] [--out DIR]
 *
 * Prints one JSON line per evaluation ({label, memory, seed, budget, delay, distance, falls, ...}).
 */
import { parseArgs } from 'node:util';
import { policyFromNetwork } from '../../agents/controller.ts';
import { trainController, type HiddenMemory } from '../../agents/recipe.ts';
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
    },
  });
  await initBackend({ backend: 'auto', quiet: true });
  const episodes = Number(values.episodes);
  const env = 'Walker-v1';
  if (values.teacher) {
    for (const delay of [0, 1]) {
      const probe = makeEnv(env);
      const channels = boxAction(probe).scale.length;
      probe.close();
      const actor: Actor = makeTeacher(env);
      const r = score(env, delay ? delayed(actor, channels) : actor, episodes);
      console.log(JSON.stringify({ actor: 'teacher', delay, episodes, ...r }));
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
      ...(memory ? { hiddenMemory: memory } : {}),
      ...(values.budget ? { budget: Number(values.budget) } : {}),
    },
    { log: (l) => console.error(l), ...(values.out ? { outDir: values.out } : {}) },
  );
  const trainS = (performance.now() - t0) / 1000;
  try {
    const channels = trained.spec.actionScale.length;
    for (const delay of [0, 1]) {
      const actor = policyActor(policyFromNetwork(trained.network, trained.spec));
      const r = score(env, delay ? delayed(actor, channels) : actor, episodes);
      console.log(
        JSON.stringify({
          label,
          memory: values.memory,
          seed: Number(values.seed),
          budget: trained.spec.training?.['recipe'] ? (trained.spec.training['recipe'] as { budget: number }).budget : undefined,
          bestRound: trained.best.round,
          trainS: Math.round(trainS),
          delay,
          episodes,
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
