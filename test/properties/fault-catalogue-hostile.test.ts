/**
 * The catalogue's faults that only malformed input reaches, each found by the
 * simulated hostile-input fuzzer with one fixed seed and a small run budget,
 * and the correct hub passing the same seed and budget: the counterpart of
 * fault-catalogue.test.ts for the faults it leaves out.
 */
import { describe, expect, it } from 'vitest';
import { hostileInput } from '../../properties/hostile-input.js';
import { FAULT_CATALOGUE } from '../../src/hub/faults/catalogue.js';
import { fuzz, type FuzzOutcome } from '../../src/runner/fuzz.js';
import { localTargets } from '../../src/targets/choose.js';

const SEED = 1;
const RUNS = 400;
const HOSTILE_FAULTS = FAULT_CATALOGUE.flatMap((fault) => ('property' in fault && fault.property === hostileInput.name ? [fault.name] : []));

function fuzzSim(faults: string[]): Promise<FuzzOutcome> {
  return fuzz({ family: hostileInput, runs: RUNS, seed: SEED, agents: 3, maxActions: 12, timeoutPerRunMs: 60_000, targets: localTargets({ sim: true, faults }) });
}

describe('the hostile-input faults under the simulated fuzzer', () => {
  it('are at least the five the catalogue names', () => {
    expect(HOSTILE_FAULTS.length).toBeGreaterThanOrEqual(5);
  });

  it(`the correct hub passes seed ${SEED} for ${RUNS} runs`, async () => {
    const outcome = await fuzzSim([]);
    expect(outcome.failure?.violations ?? []).toEqual([]);
    expect(outcome.runnerError).toBeUndefined();
    expect(outcome.runs).toBe(RUNS);
  });

  it.each(HOSTILE_FAULTS)(`finds %s with seed ${SEED} within ${RUNS} runs`, async (fault) => {
    const outcome = await fuzzSim([fault]);
    expect(outcome.runnerError).toBeUndefined();
    expect(outcome.failure?.violations.length ?? 0).toBeGreaterThan(0);
  });
});
