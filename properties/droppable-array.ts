import fc from 'fast-check';
import { withMoreShrinks } from './more-shrinks.js';

/** Every way to drop one element, latest first: late actions are the likeliest to be noise after the failure happened. */
function singleDrops<T>(value: T[], minLength: number): T[][] {
  if (value.length <= minLength) return [];
  return value.map((_, i) => value.length - 1 - i).map((drop) => value.filter((_, i) => i !== drop));
}

/**
 * An array whose shrinker can also drop any single element, not only shorten
 * from the front as fast-check's array shrinker does (it always keeps the
 * last elements). Action sequences need it: the action that matters is often
 * not the last one, and a trailing irrelevant action would otherwise stay in
 * every counterexample. Shrinking stays a pure function of the value, so a
 * seed and path still replay it exactly.
 */
export function droppableArray<T>(item: fc.Arbitrary<T>, constraints: { minLength: number; maxLength: number }): fc.Arbitrary<T[]> {
  return withMoreShrinks(fc.array(item, { ...constraints, size: 'max' }), (value) => singleDrops(value, constraints.minLength));
}
