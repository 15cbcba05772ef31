import fc from 'fast-check';
import type { Schedule } from '../src/sim/schedule.js';

/** Steps a departure may name; a run's steps beyond it keep their natural order. */
const MAX_STEP = 400;
const MAX_DEPARTURES = 24;

/**
 * Where a simulated run departs from the natural order of concurrent events.
 * Shrinking drops departures and moves picks toward 1, so a shrunk failure
 * keeps only the reorderings it needs.
 */
export function scheduleArbitrary(): fc.Arbitrary<Schedule> {
  return fc.array(fc.record({ step: fc.nat({ max: MAX_STEP }), pick: fc.integer({ min: 1, max: 3 }) }), {
    maxLength: MAX_DEPARTURES,
  });
}
