import fc from 'fast-check';
import type { Action } from '../src/actions/action.js';
import type { Departure, Schedule } from '../src/sim/schedule.js';
import { droppableArray } from './droppable-array.js';
import { withMoreShrinks } from './more-shrinks.js';

/** A simulated run as generated: its actions and where its events leave the natural order. */
export interface ScheduledActions {
  actions: Action[];
  schedule: Schedule;
}

/**
 * Choices an action's departures may name. Nineteen actions in twenty come to
 * no more (the median is none); the quiesce after the last action comes to
 * more (median 16), but its first ones, where the actions' last effects land,
 * are the ones that matter.
 */
const MAX_CHOICES_PER_ACTION = 8;

/**
 * The pick at each choice of one action, in order: 0 keeps the natural order.
 * Half depart, so every choice an action reaches is often reordered;
 * shrinking moves picks to 0 (in place: the choices after keep their
 * indices), keeping only the reorderings a failure needs.
 */
const picksArbitrary = fc.array(fc.oneof({ withCrossShrink: true }, fc.constant(0), fc.integer({ min: 1, max: 3 })), {
  maxLength: MAX_CHOICES_PER_ACTION,
});

/** Each action with its picks, then the picks of the quiesce after them. */
export type Segments<A = Action> = [Array<[A, number[]]>, number[]];

/**
 * Each action that departs somewhere dropped, its picks given to the segment
 * after it (the next action's or the quiesce's) in place of that segment's
 * own; latest first, as the action drops are.
 */
export function carriedDrops<A>([steps, afterwards]: Segments<A>): Array<Segments<A>> {
  if (steps.length <= 1) return [];
  const departing = steps.flatMap(([, picks], index) => (picks.some((pick) => pick > 0) ? [index] : [])).reverse();
  return departing.map((drop) => {
    const picks = steps[drop]![1];
    const kept = steps.filter((_, index) => index !== drop);
    const next = kept[drop];
    if (next === undefined) return [kept, picks];
    kept[drop] = [next[0], picks];
    return [kept, afterwards];
  });
}

function departures(action: number, picks: readonly number[]): Departure[] {
  return picks.flatMap((pick, choice) => (pick > 0 ? [{ action, choice, pick }] : []));
}

/**
 * Actions with the departures of each carried beside it, so the shrinker
 * drops an action together with its reorderings and leaves every other
 * action's where they were.
 */
export function scheduledActionsArbitrary(action: fc.Arbitrary<Action>, maxActions: number): fc.Arbitrary<ScheduledActions> {
  const segments = fc.tuple(droppableArray(fc.tuple(action, picksArbitrary), { minLength: 1, maxLength: maxActions }), picksArbitrary);
  // Besides what the inner arbitrary offers, an action dropped with its picks handed to the segment after it: what its
  // predecessor set in motion then happens there, so a reordering the failure needs survives the drop of an action that
  // only gave it time to happen.
  return withMoreShrinks(segments, carriedDrops).map(([steps, afterwards]) => ({
    actions: steps.map(([played]) => played),
    schedule: [...steps.flatMap(([, picks], index) => departures(index, picks)), ...departures(steps.length, afterwards)],
  }));
}
