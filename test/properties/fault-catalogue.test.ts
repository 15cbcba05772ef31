/**
 * Mutation testing in `npm test`: every deliberate defect of the catalogue is
 * found by the simulated fuzzer with one fixed seed and a small run budget,
 * and the correct hub passes the same seed and budget. Simulation keeps it
 * quick and exactly repeatable.
 */
import { describe, expect, it } from 'vitest';
import { FAULT_CATALOGUE } from '../../src/hub/faults/catalogue.js';
import { fuzz, type FuzzOutcome } from '../../src/runner/fuzz.js';
import { simConfig } from '../support/sim-config.js';

const SEED = 1;
const RUNS = 400;
/** Faults only malformed input reaches are the hostile-input family's, and its own tests cover them. */
const LIFECYCLE_FAULTS = FAULT_CATALOGUE.filter((fault) => !('property' in fault)).map((fault) => fault.name);

function fuzzSim(faults: string[]): Promise<FuzzOutcome> {
  return fuzz(simConfig(faults, RUNS, SEED));
}

describe('the fault catalogue under the simulated fuzzer', () => {
  it('covers the fifteen lifecycle faults the catalogue started with, at least', () => {
    expect(LIFECYCLE_FAULTS.length).toBeGreaterThanOrEqual(15);
  });

  it(`the correct hub passes seed ${SEED} for ${RUNS} runs`, async () => {
    const outcome = await fuzzSim([]);
    expect(outcome.failure?.violations ?? []).toEqual([]);
    expect(outcome.runnerError).toBeUndefined();
    expect(outcome.runs).toBe(RUNS);
  });

  it.each(LIFECYCLE_FAULTS)(`finds %s with seed ${SEED} within ${RUNS} runs`, async (fault) => {
    const outcome = await fuzzSim([fault]);
    expect(outcome.runnerError).toBeUndefined();
    expect(outcome.failure?.violations.length ?? 0).toBeGreaterThan(0);
  });
});
