/**
 * The property suite on the correct hub, with fixed seeds: every family
 * passes a few runs over real sockets and many in simulation. A violation
 * here is a false positive: a bug in the model, the runner or the hub.
 */
import { describe, expect, it } from 'vitest';
import { PROPERTY_FAMILIES } from '../../properties/index.js';
import { fuzz } from '../../src/runner/fuzz.js';
import { localTargets } from '../../src/targets/choose.js';

const MODES = [
  { sim: false, runs: 6 },
  { sim: true, runs: 150 },
] as const;

describe.each(MODES)('every property family on the correct hub (sim: $sim, $runs runs)', ({ sim, runs }) => {
  it.each(PROPERTY_FAMILIES.map((family) => [family.name, family] as const))('%s passes', { timeout: 120_000 }, async (_, family) => {
    const outcome = await fuzz({
      family,
      runs,
      seed: 2026,
      agents: 3,
      maxActions: 20,
      timeoutPerRunMs: 30_000,
      targets: localTargets({ sim, faults: [] }),
    });
    expect(outcome.runnerError).toBeUndefined();
    expect(outcome.failure?.violations ?? []).toEqual([]);
    expect(outcome.runs).toBe(runs);
    expect(outcome.actionsPlayed).toBeGreaterThan(runs);
  });
});
