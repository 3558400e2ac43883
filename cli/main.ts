/**
 * `spikeloop` command line: `spikeloop <command> [options]`, `--help`, `--version`.
 *
 * How to add a command:
 *   1. write `cli/commands/<name>.ts` exporting `summary` (one line) and
 *      `run(argv: string[]): Promise<number>` (the exit code);
 *   2. add `'<name>': '<the same summary>'` to COMMANDS in `cli/manifest.ts`.
 * test/cli/main.test.ts fails until both agree. A command module is imported only to run it, so
 * `--help` and `--version` answer without loading tfjs or matter-js.
 */
import { existsSync, readdirSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { COMMANDS } from './manifest.ts';
import { packageVersion } from '../src/util/packageRoot.ts';

interface Command {
  summary: string;
  run(argv: string[]): Promise<number>;
}

const here = fileURLToPath(import.meta.url);
const commandsDir = join(dirname(here), 'commands');
// '.ts' when run from the sources, '.js' from dist/.
const ext = extname(here);

/** The command modules present: the files of cli/commands/ (the manifest may lag behind). */
export function commandFiles(): string[] {
  if (!existsSync(commandsDir)) return [];
  return readdirSync(commandsDir)
    .filter((f) => f.endsWith(ext) && !f.endsWith(`.d${ext}`))
    .map((f) => f.slice(0, -ext.length))
    .sort();
}

async function loadCommand(name: string): Promise<Command> {
  return (await import(pathToFileURL(join(commandsDir, name + ext)).href)) as Command;
}

async function usage(): Promise<string> {
  const lines = ['usage: spikeloop <command> [options]', '', 'commands:'];
  for (const name of commandFiles()) {
    // A command missing from the manifest still works; only its summary costs an import.
    const summary = COMMANDS[name] ?? (await loadCommand(name)).summary;
    lines.push(`  ${name.padEnd(18)} ${summary}`);
  }
  lines.push('', 'Run `spikeloop <command> --help` for the options of one command; `spikeloop --version` for the version.');
  return lines.join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(await usage());
    return name ? 0 : 2;
  }
  if (name === '--version' || name === '-v' || name === 'version') {
    console.log(packageVersion());
    return 0;
  }
  if (!commandFiles().includes(name)) {
    console.error(`spikeloop: unknown command '${name}'\n\n${await usage()}`);
    return 2;
  }
  try {
    return await (await loadCommand(name)).run(rest);
  } catch (err) {
    console.error(`spikeloop ${name}: ${err instanceof Error ? err.message : String(err)}`);
    if (process.env.SPIKELOOP_DEBUG) console.error(err);
    return 1;
  }
}
