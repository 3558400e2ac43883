/**
 * Option parsing shared by the CLI commands: `parseCommand` (node:util parseArgs plus -h/--help,
 * printing the command's help) and the typed readers of the common flags, whose errors name the
 * flag and the accepted values.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { LabelKind } from '../agents/controller.ts';
import { listEnvs, resolveEnvId } from '../envs/index.ts';

export const CONTROLLER_ENVS = ['cartpole', 'pendulum', 'reacher', 'walker'] as const;

type Options = NonNullable<ParseArgsConfig['options']>;
type Values<O extends Options> = ReturnType<typeof parseArgs<{ args: string[]; options: O; allowPositionals: false }>>['values'];

/**
 * Parses `argv` against `options` (no positionals) with `-h/--help` added; on --help prints
 * `help` and returns undefined, so a command reads: `const v = parseCommand(argv, OPTS, HELP); if (!v) return 0;`.
 */
export function parseCommand<O extends Options>(argv: string[], options: O, help: string): Values<O> | undefined {
  const withHelp = { ...options, help: { type: 'boolean', short: 'h', default: false } } as O;
  const { values } = parseArgs({ args: argv, options: withHelp, allowPositionals: false });
  if ((values as Record<string, unknown>)['help'] === true) {
    console.log(help);
    return undefined;
  }
  return values;
}

/** Parses an integer option; errors name the flag. */
export function intOption(name: string, raw: string | undefined, min: number): number | undefined {
  if (raw === undefined) return undefined;
  const x = Number(raw);
  if (!Number.isInteger(x) || x < min) throw new Error(`--${name} must be an integer >= ${min}, got '${raw}'`);
  return x;
}

/** Checks --env against the registered envs (the built-ins and any loaded with --env-module); returns it as given. */
export function envOption(raw: string | undefined): string {
  if (raw === undefined) throw new Error(`--env is required (${CONTROLLER_ENVS.join(' | ')}, or an env registered by --env-module)`);
  try {
    resolveEnvId(raw);
  } catch {
    throw new Error(`--env must be one of ${CONTROLLER_ENVS.join(', ')} or a registered env id (${listEnvs().join(', ')}), got '${raw}'`);
  }
  return raw;
}

export function labelOption(raw: string | undefined): LabelKind {
  if (raw === undefined) return 'spike-seq';
  if (raw !== 'spike-seq' && raw !== 'rate') throw new Error(`--label must be spike-seq or rate, got '${raw}'`);
  return raw;
}
