/**
 * A fault whose window is empty in the natural order: `complete-check-then-act`
 * applies a checked completion as the very next event, so only a generated
 * departure can put anything (a reclaim above all) between check and write.
 * The simulated fuzzer must find it, keep the departure through shrinking,
 * and replay it exactly.
 */
import { describe, expect, it } from 'vitest';
import { fuzz, playOnce } from '../../src/runner/fuzz.js';
import { NATURAL_ORDER } from '../../src/sim/schedule.js';
import { simConfig } from '../support/sim-config.js';

const config = simConfig(['complete-check-then-act'], 500, 7);

describe('complete-check-then-act in simulation', () => {
  it('is found only through a reordering, which shrinking keeps, and replays exactly', { timeout: 60_000 }, async () => {
    const outcome = await fuzz(config);
    const failure = outcome.failure;
    expect(failure, 'complete-check-then-act not found').toBeDefined();
    expect(failure!.actions.length).toBeLessThanOrEqual(8);
    expect(failure!.trace.some((step) => step.pick > 0), 'no step out of natural order').toBe(true);

    const natural = await playOnce(config, failure!.seed, failure!.actions, NATURAL_ORDER);
    expect(natural.violations).toEqual([]);

    const history = JSON.stringify(failure!.history);
    for (let i = 0; i < 20; i++) {
      const replay = await playOnce(config, failure!.seed, failure!.actions, failure!.schedule);
      expect(JSON.stringify(replay.result.history)).toBe(history);
      expect(replay.violations).toEqual(failure!.violations);
    }
  });
});
