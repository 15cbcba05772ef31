import fc from 'fast-check';
import type { Schedule } from '../src/sim/schedule.js';

/**
 * Choices a departure may name. Most runs have fewer (the median about 25,
 * nine in ten under 65): a larger bound would mostly name choices a run never reaches.
 */
const MAX_CHOICE = 64;
const MAX_DEPARTURES = 40;

/**
 * Where a simulated run departs from the natural order of concurrent events.
 * Shrinking drops departures and moves picks toward 1, so a shrunk failure
 * keeps only the reorderings it needs.
 */
export function scheduleArbitrary(): fc.Arbitrary<Schedule> {
  return fc.array(fc.record({ choice: fc.nat({ max: MAX_CHOICE }), pick: fc.integer({ min: 1, max: 3 }) }), {
    maxLength: MAX_DEPARTURES,
    // Lengths up to the bound, not fast-check's small default: departures are cheap, and unneeded ones shrink away.
    size: 'medium',
  });
}
