import { describe, expect, it } from 'vitest';
import { hostileInput } from '../../properties/hostile-input.js';
import type { Action } from '../../src/actions/action.js';
import { fuzz } from '../../src/runner/fuzz.js';
import { embeddedTargets, FAST_TIMERS } from '../../src/targets/embedded.js';

/** Actions that put one request or frame on the wire. */
const SENDS = new Set<Action['kind']>(['hostile-http', 'hostile-ws', 'submit']);

function hostileFuzz(faults: string[], runs: number, seed: number) {
  return fuzz({
    family: hostileInput,
    runs,
    seed,
    agents: 3,
    maxActions: 12,
    timeoutPerRunMs: 30_000,
    targets: embeddedTargets({ timers: FAST_TIMERS, faults }),
  });
}

describe('hostile-input family', () => {
  it('passes on the correct reference hub', async () => {
    const outcome = await hostileFuzz([], 25, 1);
    expect(outcome.failure?.violations ?? outcome.runnerError ?? []).toEqual([]);
    expect(outcome.ok).toBe(true);
  }, 60_000);

  it.each([
    ['priority-unchecked', 'H4'],
    ['capabilities-unchecked', 'H4'],
    ['result-crashes-socket', 'H3'],
  ])('finds %s and shrinks it to one request or frame', async (fault, invariant) => {
    const outcome = await hostileFuzz([fault], 200, 7);
    const failure = outcome.failure;
    expect(failure).toBeDefined();
    expect(failure?.violations.map((v) => v.invariant)).toContain(invariant);
    expect(failure?.actions.filter((action) => SENDS.has(action.kind))).toHaveLength(1);
  }, 60_000);
});
