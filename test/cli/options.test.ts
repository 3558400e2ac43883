import { describe, expect, it, vi } from 'vitest';
import { CONTROLLER_ENVS, envOption, intOption, labelOption, parseCommand } from '../../cli/options.ts';

describe('CLI options', () => {
  it('parseCommand adds -h/--help (prints the help, returns undefined) and rejects unknown flags', () => {
    const opts = { env: { type: 'string' }, seed: { type: 'string' } } as const;
    expect(parseCommand(['--env', 'cartpole', '--seed', '3'], opts, 'HELP')).toMatchObject({ env: 'cartpole', seed: '3' });
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      expect(parseCommand(['-h'], opts, 'usage: x')).toBeUndefined();
      expect(log).toHaveBeenCalledWith('usage: x');
    } finally {
      log.mockRestore();
    }
    expect(() => parseCommand(['--nope'], opts, 'HELP')).toThrow(/--nope/);
    expect(() => parseCommand(['stray'], opts, 'HELP')).toThrow(/stray/);
  });

  it('typed readers name the flag and the accepted values', () => {
    expect(intOption('episodes', undefined, 1)).toBeUndefined();
    expect(intOption('episodes', '7', 1)).toBe(7);
    expect(() => intOption('episodes', '0', 1)).toThrow(/--episodes must be an integer >= 1, got '0'/);
    expect(() => intOption('seed', '1.5', 0)).toThrow(/--seed/);
    expect(envOption('reacher')).toBe('reacher');
    expect(() => envOption(undefined)).toThrow(new RegExp(`--env is required \\(${CONTROLLER_ENVS.join(' \\| ')}`));
    expect(() => envOption('mars')).toThrow(
      /--env must be one of cartpole, pendulum, reacher, walker or a registered env id \(.*\), got 'mars'/,
    );
    expect(labelOption(undefined)).toBe('spike-seq');
    expect(() => labelOption('counts')).toThrow(/--label must be spike-seq or rate/);
  });
});
