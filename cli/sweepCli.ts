/**
 * What `spikeloop sweep` and `spikeloop worker` share: the command that runs a cell's job, and
 * the queue flags.
 */
import { resolve } from 'node:path';
import { intOption } from './options.ts';
import { packagePath } from '../src/util/packageRoot.ts';

const BIN = packagePath('bin', 'spikeloop.mjs');

/**
 * [node, bin/spikeloop.mjs]; `SPIKELOOP_SWEEP_CLI` names another Node script to run jobs with
 * (a wrapper, or the tests' stand-in job).
 */
export function jobCli(): string[] {
  const alt = process.env['SPIKELOOP_SWEEP_CLI'];
  return [process.execPath, alt ? resolve(alt) : BIN];
}

export function workersOption(raw: string | undefined): number | undefined {
  return intOption('workers', raw, 1);
}

/** Checks a --queue URL: redis://host:port (or rediss:// for TLS). */
export function queueUrlOption(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`--queue must be a URL like redis://host:6379, got '${raw}'`);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') throw new Error(`--queue must be a redis:// or rediss:// URL, got '${raw}'`);
  return raw;
}
