import type { HistoryEvent } from './history.js';
import { agreement } from './invariants/agreement.js';
import { availability } from './invariants/availability.js';
import { capabilities } from './invariants/capabilities.js';
import { bucketOf, currentKind, INVARIANT_INFO, isKnownKind, waitsForTimers, type InvariantId, type InvariantInfo, type Violation } from './invariants/catalog.js';
import { durability } from './invariants/durability.js';
import { exactlyOnce } from './invariants/exactly-once.js';
import { fencing } from './invariants/fencing.js';
import { hostileCloses } from './invariants/hostile-closes.js';
import { hostileErrorBodies } from './invariants/hostile-error-bodies.js';
import { hostileReachable } from './invariants/hostile-reachable.js';
import { hostileRestart } from './invariants/hostile-restart.js';
import { hostileVerdicts } from './invariants/hostile-verdicts.js';
import { liveness } from './invariants/liveness.js';
import { priority } from './invariants/priority.js';
import { reclaim } from './invariants/reclaim.js';
import { singleHolder } from './invariants/single-holder.js';
import { buildModel, type Model } from './model.js';

export type { InvariantId, InvariantInfo, Violation };
export { bucketOf, currentKind, isKnownKind, waitsForTimers };
export { VIOLATION_KINDS } from './invariants/kinds.js';

export interface Invariant extends InvariantInfo {
  check: (model: Model) => Violation[];
}

const CHECKS: Record<InvariantId, Invariant['check']> = {
  I1: exactlyOnce,
  I2: singleHolder,
  I3: fencing,
  I4: capabilities,
  I5: priority,
  I6: liveness,
  I7: reclaim,
  I8: agreement,
  I9: durability,
  I10: availability,
  H1: hostileReachable,
  H2: hostileErrorBodies,
  H3: hostileCloses,
  H4: hostileVerdicts,
  H5: hostileRestart,
};

/** Every invariant, in order: id, name, one-line description, and its check. */
export const INVARIANTS: readonly Invariant[] = Object.values(INVARIANT_INFO).map((info) => ({ ...info, check: CHECKS[info.id] }));

function select(wanted: readonly string[] | undefined): Invariant[] {
  if (wanted === undefined) return [...INVARIANTS];
  return wanted.map((key) => {
    const found = INVARIANTS.find((i) => i.id === key.toUpperCase() || i.name === key);
    if (found === undefined) throw new Error(`unknown invariant ${JSON.stringify(key)}; known: ${INVARIANTS.map((i) => i.id).join(', ')}`);
    return found;
  });
}

/** Judges one recorded history against all invariants, or the ones named (by id or name). */
export function checkHistory(
  history: readonly HistoryEvent[],
  options: { invariants?: readonly string[] } = {},
): { violations: Violation[]; checked: string[] } {
  const chosen = [...new Set(select(options.invariants))];
  const model = buildModel(history);
  return { violations: chosen.flatMap((i) => i.check(model)), checked: chosen.map((i) => i.id) };
}
