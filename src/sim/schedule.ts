/**
 * The generated part of a simulated run besides its actions: where the order
 * of concurrent events departs from the natural one (earliest due first, then
 * first queued). Plain data, so a failure file can carry it and fast-check
 * can shrink it down to the few departures a failure needs.
 */
export interface Departure {
  /** The scheduler step (0-based) at which to depart. */
  step: number;
  /** Which of the events ready at that step to take instead of the first (1 = the second). */
  pick: number;
}

export type Schedule = readonly Departure[];

export const NATURAL_ORDER: Schedule = [];

/** The pick for each step that departs; later entries for the same step win. */
export function departuresByStep(schedule: Schedule): Map<number, number> {
  return new Map(schedule.map((departure) => [departure.step, departure.pick]));
}

export function describeSchedule(schedule: Schedule): string {
  if (schedule.length === 0) return 'natural order';
  return [...departuresByStep(schedule)]
    .sort(([a], [b]) => a - b)
    .map(([step, pick]) => `step ${step}: pick ${pick}`)
    .join(', ');
}
