import fc from 'fast-check';
import type { Behaviour } from '../src/actions/action.js';

const DELAYS_MS = [10, 60, 200, 500] as const;

/** Plainest first: a behaviour shrinks to any before it, never back, so shrinking always ends. */
const PLAINER: readonly Behaviour[] = ['ignore', 'complete', 'fail', 'complete-and-crash'];

function rank(behaviour: Behaviour): number {
  return typeof behaviour === 'string' ? PLAINER.indexOf(behaviour) : PLAINER.length;
}

/**
 * A behaviour whose shrinker may also swap it for any plainer one, not only
 * toward the first choice as `fc.oneof` does: an agent that delays, then
 * needs a reconnect to lose its task, often fails the same way as one that
 * simply ignores it, and the reconnect can then be dropped.
 */
class BehaviourArbitrary extends fc.Arbitrary<Behaviour> {
  constructor(private readonly inner: fc.Arbitrary<Behaviour>) {
    super();
  }

  generate(mrng: fc.Random, biasFactor: number | undefined): fc.Value<Behaviour> {
    return this.inner.generate(mrng, biasFactor);
  }

  canShrinkWithoutContext(value: unknown): value is Behaviour {
    return PLAINER.includes(value as Behaviour) || (typeof value === 'object' && value !== null && 'delay' in value);
  }

  shrink(value: Behaviour, context: unknown): fc.Stream<fc.Value<Behaviour>> {
    const plainer = PLAINER.slice(0, rank(value)).map((behaviour) => new fc.Value(behaviour, undefined));
    const own = context !== undefined ? this.inner.shrink(value, context) : fc.Stream.nil<fc.Value<Behaviour>>();
    return fc.Stream.of(...plainer).join(own);
  }
}

export function behaviourArb(): fc.Arbitrary<Behaviour> {
  return new BehaviourArbitrary(
    fc.oneof(
      { weight: 4, arbitrary: fc.constant<Behaviour>('complete') },
      { weight: 1, arbitrary: fc.constant<Behaviour>('complete-and-crash') },
      { weight: 2, arbitrary: fc.constant<Behaviour>('fail') },
      { weight: 2, arbitrary: fc.constant<Behaviour>('ignore') },
      { weight: 2, arbitrary: fc.constantFrom(...DELAYS_MS).map((delay): Behaviour => ({ delay })) },
    ),
  );
}
