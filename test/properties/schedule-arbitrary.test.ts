import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { carriedDrops, scheduledActionsArbitrary, type Segments } from '../../properties/schedule-arbitrary.js';
import type { Action } from '../../src/actions/action.js';

const WAIT: fc.Arbitrary<Action> = fc.constantFrom(5, 40).map((ms): Action => ({ kind: 'wait', ms }));
const runs = scheduledActionsArbitrary(WAIT, 10);

describe('scheduled actions', () => {
  it('names each departure by an action (or the quiesce after them), a choice and a pick', () => {
    for (const { actions, schedule } of fc.sample(runs, { numRuns: 200, seed: 3 })) {
      expect(actions.length).toBeGreaterThanOrEqual(1);
      for (const departure of schedule) {
        expect(departure.action).toBeLessThanOrEqual(actions.length);
        expect(departure.choice).toBeLessThan(8);
        expect(departure.pick).toBeGreaterThanOrEqual(1);
        expect(departure.pick).toBeLessThanOrEqual(3);
      }
    }
  });

  it('shrinks a failure to the one departure it needs, at the same choice of the same action', () => {
    // Fails when the second action departs at its third choice.
    const details = fc.check(
      fc.property(runs, ({ actions, schedule }) => !(actions.length >= 2 && schedule.some((d) => d.action === 1 && d.choice === 2))),
      { seed: 11, numRuns: 1000 },
    );
    expect(details.failed).toBe(true);
    const [shrunk] = details.counterexample!;
    expect(shrunk.actions).toHaveLength(2);
    expect(shrunk.schedule).toEqual([{ action: 1, choice: 2, pick: 1 }]);
  });
});

describe('carried drops', () => {
  it("drops each departing action and gives its picks to the segment after it, the quiesce's included", () => {
    const segments: Segments<string> = [
      [
        ['a', [0, 1]],
        ['b', []],
        ['c', [2]],
      ],
      [1],
    ];
    expect(carriedDrops(segments)).toEqual([
      [
        [
          ['a', [0, 1]],
          ['b', []],
        ],
        [2],
      ],
      [
        [
          ['b', [0, 1]],
          ['c', [2]],
        ],
        [1],
      ],
    ]);
  });

  it('offers nothing for a single action', () => {
    expect(carriedDrops([[['a', [1]]], []])).toEqual([]);
  });
});
