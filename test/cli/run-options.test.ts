import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { addRunOptions, DEFAULT_MAX_ACTIONS, maxActionsFor, type RunCliOptions } from '../../src/cli/run-options.js';

function parse(args: string[]): RunCliOptions {
  return addRunOptions(new Command('t').exitOverride(), 'faults').parse(args, { from: 'user' }).opts<RunCliOptions>();
}

describe('--max-actions', () => {
  it('defaults to longer sequences in simulation, where a run costs milliseconds', () => {
    const options = parse([]);
    expect(maxActionsFor(options, false)).toBe(DEFAULT_MAX_ACTIONS.network);
    expect(maxActionsFor(options, true)).toBe(DEFAULT_MAX_ACTIONS.sim);
    expect(DEFAULT_MAX_ACTIONS.sim).toBeGreaterThan(DEFAULT_MAX_ACTIONS.network);
  });

  it('takes the flag as given in both modes', () => {
    const options = parse(['--max-actions', '7']);
    expect(maxActionsFor(options, false)).toBe(7);
    expect(maxActionsFor(options, true)).toBe(7);
  });
});
