import fc from 'fast-check';
import type { Action } from '../src/actions/action.js';
import type { Departure, Schedule } from '../src/sim/schedule.js';
import { droppableArray } from './droppable-array.js';

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
  return segments.map(([steps, afterwards]) => ({
    actions: steps.map(([played]) => played),
    schedule: [...steps.flatMap(([, picks], index) => departures(index, picks)), ...departures(steps.length, afterwards)],
  }));
}
