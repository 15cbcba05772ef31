/**
 * Proof that the fuzzer bites: with a fixed seed it finds each of these
 * deliberate defects, names an invariant it breaks, and shrinks the
 * counterexample to a handful of actions: the three named in the fuzzer's
 * brief in simulation (exact and quick), and one that is quick to find over
 * real sockets against the embedded hub.
 */
import { describe, expect, it } from 'vitest';
import { lifecycle } from '../../properties/lifecycle.js';
import { fuzz } from '../../src/runner/fuzz.js';
import { localTargets } from '../../src/targets/choose.js';

/** Each defect, and the invariants that may catch it first (a dead session's task left assigned is both I6 and I7). */
const DEFECTS = [
  { fault: 'unfenced-complete', invariants: ['I3', 'I8'], sim: true },
  { fault: 'no-reclaim-on-disconnect', invariants: ['I6', 'I7'], sim: true },
  { fault: 'no-idle-trigger', invariants: ['I1', 'I6'], sim: true },
  { fault: 'retry-off-by-one', invariants: ['I1'], sim: false },
] as const;

describe.each(DEFECTS)('the fuzzer finds $fault (sim: $sim)', ({ fault, invariants, sim }) => {
  it(`breaks ${invariants.join(' or ')} and shrinks to at most 8 actions`, { timeout: 180_000 }, async () => {
    const outcome = await fuzz({
      family: lifecycle,
      runs: 200,
      seed: 7,
      agents: 3,
      maxActions: 20,
      timeoutPerRunMs: 30_000,
      targets: localTargets({ sim, faults: [fault] }),
    });
    expect(outcome.runnerError).toBeUndefined();
    const broken = outcome.failure?.violations.map((v) => v.invariant) ?? [];
    expect(broken.some((id) => (invariants as readonly string[]).includes(id)), `broken: ${broken.join(' ')}`).toBe(true);
    expect(outcome.failure?.actions.length).toBeLessThanOrEqual(8);
  });
});
