/**
 * The generated part of a simulated run besides its actions: where the order
 * of concurrent events departs from the natural one (earliest due first, then
 * first queued). Plain data, so a failure file can carry it and fast-check
 * can shrink it down to the few departures a failure needs.
 */
export interface Departure {
  /**
   * The action (0-based) during which the choice comes up; the number of
   * actions stands for the quiesce and snapshot after the last one. Choices
   * are counted per action, so dropping an earlier action while shrinking
   * leaves a departure on the same event of its own action.
   */
  action: number;
  /**
   * Which choice since that action began (0-based): a scheduler step that had
   * more than one event ready, not all of them routine housekeeping. Steps
   * without a choice are not counted, so no departure is spent where it could
   * change nothing, and an idle stretch's length does not move the departures after it.
   */
  choice: number;
  /** Which of the events ready at that step to take instead of the first (1 = the second). */
  pick: number;
}

export type Schedule = readonly Departure[];

export const NATURAL_ORDER: Schedule = [];

export function choiceKey(action: number, choice: number): string {
  return `${action}:${choice}`;
}

/** The pick for each choice that departs; later entries for the same choice win. */
export function departuresByChoice(schedule: Schedule): Map<string, number> {
  return new Map(schedule.map((departure) => [choiceKey(departure.action, departure.choice), departure.pick]));
}
