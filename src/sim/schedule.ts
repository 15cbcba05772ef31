/**
 * The generated part of a simulated run besides its actions: where the order
 * of concurrent events departs from the natural one (earliest due first, then
 * first queued). Plain data, so a failure file can carry it and fast-check
 * can shrink it down to the few departures a failure needs.
 */
export interface Departure {
  /**
   * Where to depart: the n-th (0-based) scheduler step that had more than one
   * event ready. Steps without a choice are not counted, so no departure is
   * spent where it could change nothing.
   */
  choice: number;
  /** Which of the events ready at that step to take instead of the first (1 = the second). */
  pick: number;
}

export type Schedule = readonly Departure[];

export const NATURAL_ORDER: Schedule = [];

/** The pick for each choice that departs; later entries for the same choice win. */
export function departuresByChoice(schedule: Schedule): Map<number, number> {
  return new Map(schedule.map((departure) => [departure.choice, departure.pick]));
}

export function describeSchedule(schedule: Schedule): string {
  if (schedule.length === 0) return 'natural order';
  return [...departuresByChoice(schedule)]
    .sort(([a], [b]) => a - b)
    .map(([choice, pick]) => `choice ${choice}: pick ${pick}`)
    .join(', ');
}
