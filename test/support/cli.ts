import { vi } from 'vitest';
import { main } from '../../cli/main.ts';

export interface CliResult {
  code: number;
  out: string;
  err: string;
}

/**
 * Runs a command's `run(argv)` in-process and returns its exit code with what it printed on stdout
 * and stderr (console.log / console.error). What `run` throws is rethrown, so a test can assert
 * the error a command raises before `main` turns it into exit code 1.
 */
export async function runCommand(run: (argv: string[]) => Promise<number>, argv: string[]): Promise<CliResult> {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  const error = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  try {
    const code = await run(argv);
    return { code, out: out.join('\n'), err: err.join('\n') };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

/** Runs `spikeloop <argv>` in-process (through `main`, which reports errors as exit code 1). */
export function runCli(argv: string[]): Promise<CliResult> {
  return runCommand(main, argv);
}
