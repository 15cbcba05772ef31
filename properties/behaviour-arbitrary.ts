import fc from 'fast-check';
import type { Behaviour } from '../src/actions/action.js';
import { withMoreShrinks } from './more-shrinks.js';

const DELAYS_MS = [10, 60, 200, 500] as const;

/** Plainest first: a behaviour shrinks to any before it, never back, so shrinking always ends. */
const PLAINER: readonly Behaviour[] = ['ignore', 'complete', 'fail', 'complete-and-crash'];

function rank(behaviour: Behaviour): number {
  return typeof behaviour === 'string' ? PLAINER.indexOf(behaviour) : PLAINER.length;
}

/**
 * A behaviour's shrinker may also swap it for any plainer one, not only
 * toward the first choice as `fc.oneof` does: an agent that delays, then
 * needs a reconnect to lose its task, often fails the same way as one that
 * simply ignores it, and the reconnect can then be dropped.
 */
export function behaviourArb(): fc.Arbitrary<Behaviour> {
  return withMoreShrinks(
    fc.oneof(
      { weight: 4, arbitrary: fc.constant<Behaviour>('complete') },
      { weight: 1, arbitrary: fc.constant<Behaviour>('complete-and-crash') },
      { weight: 2, arbitrary: fc.constant<Behaviour>('fail') },
      { weight: 2, arbitrary: fc.constant<Behaviour>('ignore') },
      { weight: 2, arbitrary: fc.constantFrom(...DELAYS_MS).map((delay): Behaviour => ({ delay })) },
    ),
    (value) => PLAINER.slice(0, rank(value)),
    { first: true },
  );
}
