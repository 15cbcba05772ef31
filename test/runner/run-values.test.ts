import { describe, expect, it } from 'vitest';
import { RunValues, runsArbitrary, simBatchSize, valueAt } from '../../src/runner/run-values.js';
import { simConfig } from '../support/sim-config.js';

describe('run values', () => {
  const config = simConfig();
  const runs = runsArbitrary(config);
  const alone = (index: number): string => JSON.stringify(valueAt(runs, config.seed, String(index)));

  it('a batch holds, index for index, what fast-check generates at each path alone', () => {
    const values = new RunValues(runs, config.seed);
    for (const [index, end] of [
      [0, 8],
      [1, 8],
      [7, 8],
      [8, 16],
      [9, 16],
      [40, 45],
      [44, 45],
      [300, 301],
    ] as const) {
      expect(JSON.stringify(values.at(index, end))).toBe(alone(index));
    }
  });

  it('asking again for an index behind the batch starts a new batch there', () => {
    const values = new RunValues(runs, config.seed);
    const later = values.at(20, 24);
    expect(JSON.stringify(values.at(3, 7))).toBe(alone(3));
    expect(values.at(20, 24)).not.toBe(later);
    expect(JSON.stringify(values.at(20, 24))).toBe(JSON.stringify(later));
  });

  it('asking past the batch starts the next one where it was asked', () => {
    const values = new RunValues(runs, config.seed);
    values.at(0, 4);
    expect(JSON.stringify(values.at(6, 10))).toBe(alone(6));
    expect(JSON.stringify(values.at(9, 10))).toBe(alone(9));
  });

  it('a simulated batch grows with its start, so reaching it costs at most 64 steps a run, up to 2,048 runs held', () => {
    expect(simBatchSize(0)).toBe(32);
    expect(simBatchSize(2_047)).toBe(32);
    for (const first of [4_096, 20_000, 100_000, 131_072]) expect(first / simBatchSize(first)).toBeLessThanOrEqual(65);
    expect(simBatchSize(20_000)).toBe(312);
    expect(simBatchSize(10_000_000)).toBe(2_048);
  });
});
