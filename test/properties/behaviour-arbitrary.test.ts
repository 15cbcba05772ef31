import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { behaviourArb } from '../../properties/behaviour-arbitrary.js';
import type { Behaviour } from '../../src/actions/action.js';

const shrinksOf = (value: Behaviour): Behaviour[] => [...behaviourArb().shrink(value, undefined)].map((shrunk) => shrunk.value);

describe('behaviour arbitrary', () => {
  it('shrinks a behaviour to every plainer one, the plainest (ignoring the task) first', () => {
    expect(shrinksOf({ delay: 200 })).toEqual(['ignore', 'complete', 'fail', 'complete-and-crash']);
    expect(shrinksOf('fail')).toEqual(['ignore', 'complete']);
    expect(shrinksOf('ignore')).toEqual([]);
  });

  it('lets a counterexample trade a delaying agent for an ignoring one', () => {
    // Fails whenever some agent does not complete promptly: the minimum is one agent that ignores.
    const details = fc.check(
      fc.property(fc.array(behaviourArb(), { minLength: 1, maxLength: 5 }), (behaviours) => !behaviours.some((b) => b === 'ignore' || typeof b === 'object')),
      { seed: 4, numRuns: 200 },
    );
    expect(details.failed).toBe(true);
    expect(details.counterexample?.[0]).toEqual(['ignore']);
  });
});
