import { describe, expect, it, vi } from 'vitest';
import { CONTROLLER_ENVS, envOption, intOption, labelOption, parseCommand, parseCommandWithArgument } from '../../cli/options.ts';

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

  it('parseCommandWithArgument takes exactly one accepted positional; otherwise says why with the help and gives exit code 2', () => {
    const opts = { out: { type: 'string' } } as const;
    const arg = { command: 'bench', what: 'one benchmark', choices: ['cifar10', 'nmnist'] };
    expect(parseCommandWithArgument(['nmnist', '--out', 'o'], opts, 'HELP', arg)).toEqual({
      values: { out: 'o', help: false },
      argument: 'nmnist',
    });
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const errors: string[] = [];
    const error = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void errors.push(a.join(' ')));
    try {
      expect(parseCommandWithArgument(['--help'], opts, 'usage: bench', arg)).toBe(0);
      expect(log).toHaveBeenCalledWith('usage: bench');
      expect(parseCommandWithArgument([], opts, 'usage: bench', arg)).toBe(2);
      expect(parseCommandWithArgument(['mnist'], opts, 'usage: bench', arg)).toBe(2);
      expect(parseCommandWithArgument(['cifar10', 'nmnist'], opts, 'usage: bench', arg)).toBe(2);
    } finally {
      log.mockRestore();
      error.mockRestore();
    }
    expect(errors).toEqual([
      'spikeloop bench: give one benchmark (got none)\n\nusage: bench',
      'spikeloop bench: give one benchmark (got mnist)\n\nusage: bench',
      'spikeloop bench: give one benchmark (got cifar10 nmnist)\n\nusage: bench',
    ]);
    expect(() => parseCommandWithArgument(['x', '--nope'], opts, 'HELP', arg)).toThrow(/--nope/);
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
