import { checkHistory, type Violation } from '../../../models/check.js';
import type { HistoryEvent } from '../../../models/history.js';

/** The violations one invariant finds in a history. */
export function violationsOf(history: readonly HistoryEvent[], invariant: string): Violation[] {
  return checkHistory(history, { invariants: [invariant] }).violations;
}
