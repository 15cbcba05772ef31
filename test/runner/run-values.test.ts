import { describe, expect, it } from 'vitest';
import { RunValues, runsArbitrary, valueAt } from '../../src/runner/run-values.js';
import { simConfig } from '../support/sim-config.js';

describe('run values', () => {
  const config = simConfig();
  const runs = runsArbitrary(config);

  it('a batch holds, index for index, what fast-check generates at each path alone', () => {
    const values = new RunValues(runs, config.seed, 8);
    for (const index of [0, 1, 7, 8, 9, 40, 41, 300]) {
      expect(JSON.stringify(values.at(index))).toBe(JSON.stringify(valueAt(runs, config.seed, String(index))));
    }
  });

  it('asking again for an index behind the batch starts a new batch there', () => {
    const values = new RunValues(runs, config.seed, 4);
    const later = values.at(20);
    expect(JSON.stringify(values.at(3))).toBe(JSON.stringify(valueAt(runs, config.seed, '3')));
    expect(values.at(20)).not.toBe(later);
    expect(JSON.stringify(values.at(20))).toBe(JSON.stringify(later));
  });
});
