/**
 * Mutation testing in `npm test`: every deliberate defect of the catalogue is
 * found by the simulated fuzzer with one fixed seed and a small run budget,
 * fuzzing the family whose actions reach it (lifecycle unless the catalogue
 * names another), and the correct hub passes each family with the same seed
 * and budget. Simulation keeps it quick and exactly repeatable.
 */
import { describe, expect, it } from 'vitest';
import { hostileInput } from '../../properties/hostile-input.js';
import { lifecycle } from '../../properties/lifecycle.js';
import { FAULT_CATALOGUE } from '../../src/hub/faults/catalogue.js';
import { fuzz, type FuzzOutcome } from '../../src/runner/fuzz.js';
import type { PropertyFamily } from '../../properties/family.js';
import { simConfig } from '../support/sim-config.js';

const SEED = 1;
const RUNS = 400;

function faultsOf(family: PropertyFamily): string[] {
  return FAULT_CATALOGUE.filter((fault) => ('property' in fault ? fault.property : lifecycle.name) === family.name).map((fault) => fault.name);
}

function fuzzSim(family: PropertyFamily, faults: string[]): Promise<FuzzOutcome> {
  return fuzz({ ...simConfig(faults, RUNS, SEED), family });
}

describe.each([
  { family: lifecycle, atLeast: 20 },
  { family: hostileInput, atLeast: 5 },
])('the fault catalogue under the simulated fuzzer, $family.name', ({ family, atLeast }) => {
  it(`has at least ${atLeast} faults for this family`, () => {
    expect(faultsOf(family).length).toBeGreaterThanOrEqual(atLeast);
  });

  it(`the correct hub passes seed ${SEED} for ${RUNS} runs`, { timeout: 120_000 }, async () => {
    const outcome = await fuzzSim(family, []);
    expect(outcome.failure?.violations ?? []).toEqual([]);
    expect(outcome.runnerError).toBeUndefined();
    expect(outcome.runs).toBe(RUNS);
  });

  it.each(faultsOf(family))(`finds %s with seed ${SEED} within ${RUNS} runs`, async (fault) => {
    const outcome = await fuzzSim(family, [fault]);
    expect(outcome.runnerError).toBeUndefined();
    expect(outcome.failure?.violations.length ?? 0).toBeGreaterThan(0);
  });
});

it('every fault of the catalogue belongs to one of the families above', () => {
  expect([...faultsOf(lifecycle), ...faultsOf(hostileInput)].sort()).toEqual(FAULT_CATALOGUE.map((fault) => fault.name).sort());
});
