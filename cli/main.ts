/**
 * `spikeloop` command line: each sub-command lives in `cli/commands/<name>.ts` and exports
 * `run(argv: string[]): Promise<number>` and a one-line `summary`.
 */
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

interface Command {
  summary: string;
  run(argv: string[]): Promise<number>;
}

const commandsDir = join(dirname(fileURLToPath(import.meta.url)), 'commands');

function commandNames(): string[] {
  if (!existsSync(commandsDir)) return [];
  return readdirSync(commandsDir)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => f.slice(0, -3))
    .sort();
}

async function loadCommand(name: string): Promise<Command> {
  return (await import(join(commandsDir, `${name}.ts`))) as Command;
}

async function usage(): Promise<string> {
  const lines = ['usage: spikeloop <command> [options]', '', 'commands:'];
  for (const name of commandNames()) {
    const cmd = await loadCommand(name);
    lines.push(`  ${name.padEnd(18)} ${cmd.summary}`);
  }
  lines.push('', 'Run `spikeloop <command> --help` for the options of one command.');
  return lines.join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(await usage());
    return name ? 0 : 2;
  }
  if (!commandNames().includes(name)) {
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
