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

/** The one positional argument a command takes (a spec file, a sweep folder, a benchmark name). */
export interface CommandArgument {
  /** The command's name, for the error line: `spikeloop NAME: give WHAT (got …)`. */
  command: string;
  /** What to give, e.g. 'one spec file'. */
  what: string;
  /** Accepted values (default: any). */
  choices?: readonly string[];
}

/**
 * `parseCommand` for a command that takes exactly one positional argument. Returns the flags and
 * the argument, or the exit code to return at once: 0 after printing the help for -h/--help, 2
 * after printing why (on stderr, with the help) when there is not exactly one accepted argument.
 * A command reads: `const p = parseCommandWithArgument(argv, OPTS, HELP, ARG); if (typeof p === 'number') return p;`.
 */
export function parseCommandWithArgument<O extends Options>(
  argv: string[],
  options: O,
  help: string,
  arg: CommandArgument,
): { values: Values<O>; argument: string } | number {
  const withHelp = { ...options, help: { type: 'boolean', short: 'h', default: false } } as O;
  const { values, positionals } = parseArgs({ args: argv, options: withHelp, allowPositionals: true });
  if ((values as Record<string, unknown>)['help'] === true) {
    console.log(help);
    return 0;
  }
  const argument = positionals[0];
  if (positionals.length !== 1 || argument === undefined || (arg.choices !== undefined && !arg.choices.includes(argument))) {
    console.error(`spikeloop ${arg.command}: give ${arg.what} (got ${positionals.length > 0 ? positionals.join(' ') : 'none'})\n\n${help}`);
    return 2;
  }
  return { values: values as Values<O>, argument };
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
