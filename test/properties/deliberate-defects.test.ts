/**
 * Proof that the fuzzer bites: with a fixed seed it finds each of these
 * deliberate defects in the embedded hub, names the invariant it breaks, and
 * shrinks the counterexample to a handful of actions.
 */
import { describe, expect, it } from 'vitest';
import { lifecycle } from '../../properties/lifecycle.js';
import { fuzz } from '../../src/runner/fuzz.js';
import { embeddedTargets, FAST_TIMERS } from '../../src/targets/embedded.js';

/** Each defect, and the invariants that may catch it first (a dead session's task left assigned is both I6 and I7). */
const DEFECTS = [
  { fault: 'unfenced-complete', invariants: ['I3'] },
  { fault: 'no-reclaim-on-disconnect', invariants: ['I6', 'I7'] },
  { fault: 'no-idle-trigger', invariants: ['I6'] },
] as const;

describe.each(DEFECTS)('the fuzzer finds $fault', ({ fault, invariants }) => {
  it(`breaks ${invariants.join(' or ')} and shrinks to at most 8 actions`, { timeout: 240_000 }, async () => {
    const outcome = await fuzz({
      family: lifecycle,
      runs: 150,
      seed: 7,
      agents: 3,
      maxActions: 20,
      timeoutPerRunMs: 30_000,
      targets: embeddedTargets({ timers: FAST_TIMERS, faults: [fault] }),
    });
    expect(outcome.runnerError).toBeUndefined();
    const broken = outcome.failure?.violations.map((v) => v.invariant) ?? [];
    expect(broken.some((id) => (invariants as readonly string[]).includes(id)), `broken: ${broken.join(' ')}`).toBe(true);
    expect(outcome.failure?.actions.length).toBeLessThanOrEqual(8);
  });
});
