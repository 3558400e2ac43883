/**
 * `spikeloop viz --env cartpole [--controller teacher|keyboard] [--checkpoint F] [--port 8080]
 * [--env-module F] [--record FILE]`: runs the closed loop in real time and serves the live page;
 * prints its URL; stops on SIGINT/SIGTERM (and then finishes the recording, if any).
 */
import { DEFAULT_VIZ_SERVER, startVizServer } from '../../src/viz/server.ts';
import { initBackend } from '../../src/backend/index.ts';
import { createVizFactory } from '../vizSession.ts';
import { loadUserModules, USER_MODULE_HELP, USER_MODULE_OPTIONS, userModuleFiles } from '../userModules.ts';
import { resolveEnvId } from '../../envs/index.ts';
import { parseCommand } from '../options.ts';
import { readControllerSpec } from '../../agents/controller.ts';

export const summary = 'live visualizer: closed loop in real time, streamed to a browser page';

const HELP = `usage: spikeloop viz [options]

  --env NAME            environment (default: the checkpoint's env, else cartpole; any registered env,
                        e.g. one from --env-module)
  --controller NAME     teacher | keyboard | checkpoint (default: teacher when the env has one, else
                        keyboard: you drive the body with key pairs shown on the page)
  --checkpoint DIR      spiking controller checkpoint to drive the env
  --record FILE         write every step of the session (observation, action; one episode per reset)
                        as demonstrations (.jsonl or .csv, the format of 'spikeloop record')
${USER_MODULE_HELP}
  --port N              TCP port (default ${DEFAULT_VIZ_SERVER.port}; 0 picks a free one)
  --host ADDR           interface to bind (default ${DEFAULT_VIZ_SERVER.host})
  --allow-origin URL    extra Origin allowed to open the WebSocket (repeatable)
  --speed X             simulated seconds per wall second (default 1)
  --seed N              seed of the episode-seed generator (default 1)
  -h, --help            this text`;

function num(name: string, raw: string | undefined, fallback: number, check: (x: number) => boolean, what: string): number {
  if (raw === undefined) return fallback;
  const x = Number(raw);
  if (!Number.isFinite(x) || !check(x)) throw new Error(`--${name} must be ${what}, got '${raw}'`);
  return x;
}

const OPTIONS = {
  env: { type: 'string' },
  controller: { type: 'string' },
  checkpoint: { type: 'string' },
  record: { type: 'string' },
  ...USER_MODULE_OPTIONS,
  port: { type: 'string' },
  host: { type: 'string' },
  'allow-origin': { type: 'string', multiple: true },
  speed: { type: 'string' },
  seed: { type: 'string' },
} as const;

export async function run(argv: string[]): Promise<number> {
  const values = parseCommand(argv, OPTIONS, HELP);
  if (!values) return 0;
  const port = num(
    'port',
    values.port,
    DEFAULT_VIZ_SERVER.port,
    (x) => Number.isInteger(x) && x >= 0 && x < 65536,
    'an integer in 0..65535',
  );
  const speed = num('speed', values.speed, 1, (x) => x >= 0.05 && x <= 20, 'a number in [0.05, 20]');
  const seed = num('seed', values.seed, 1, (x) => Number.isInteger(x) && x >= 0, 'a non-negative integer');
  // A checkpoint's network is loaded through tfjs (this prints the backend); the teacher needs none.
  if (values.checkpoint !== undefined) await initBackend();
  await loadUserModules(userModuleFiles(values));
  const env = values.env ?? (values.checkpoint !== undefined ? readControllerSpec(values.checkpoint).spec.env : 'cartpole');
  resolveEnvId(env); // an unknown env fails here, listing the known ones
  const session = createVizFactory({ checkpoint: values.checkpoint, record: values.record, env });
  const controller = values.controller ?? (values.checkpoint ? 'checkpoint' : session.defaultController(env));
  if (!session.controllers.includes(controller))
    throw new Error(`--controller must be one of ${session.controllers.join(', ')}, got '${controller}'`);
  const server = await startVizServer(
    session.factory,
    { env: session.menuName(env), controller },
    {
      port,
      host: values.host ?? DEFAULT_VIZ_SERVER.host,
      allowedOrigins: values['allow-origin'] ?? [],
      speed,
      seed,
      envs: session.envs,
      controllers: session.controllers,
    },
  );
  console.log(`spikeloop viz: ${env} / ${server.runner.simulation.info.controller} at ${server.url}`);
  if (values.record !== undefined) console.log(`spikeloop viz: recording every step to ${values.record}`);
  if (values.host && values.host !== '127.0.0.1' && values.host !== 'localhost' && values.host !== '::1') {
    console.log(`spikeloop viz: listening on ${values.host}; anyone who can reach it can watch and push`);
  }
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await server.close();
  const recorded = session.close();
  if (recorded) console.log(`spikeloop viz: recorded ${recorded.episodes} episodes, ${recorded.steps} steps → ${recorded.file}`);
  console.log('spikeloop viz: stopped');
  return 0;
}
