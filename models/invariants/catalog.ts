import { FOLDED_KINDS, VIOLATION_KINDS, type KindOf } from './kinds.js';

export type InvariantId = 'I1' | 'I2' | 'I3' | 'I4' | 'I5' | 'I6' | 'I7' | 'I8' | 'I9' | 'I10' | 'H1' | 'H2' | 'H3' | 'H4' | 'H5';

export interface Violation {
  invariant: InvariantId;
  /** The kind of violation within its invariant (models/invariants/kinds.ts): with the invariant, a finding's bucket. */
  kind: string;
  name: string;
  message: string;
  /** seq of the history events that prove it. */
  evidence: number[];
}

export interface InvariantInfo {
  id: InvariantId;
  name: string;
  description: string;
}

export const INVARIANT_INFO: Readonly<Record<InvariantId, InvariantInfo>> = {
  I1: { id: 'I1', name: 'exactly-once', description: 'every task ends completed once, or dead-lettered after exactly max(1, max_retries) failures; none is lost' },
  I2: { id: 'I2', name: 'single-holder', description: 'a (task, generation) is pushed to one agent only, pushed generations only grow, and an agent holds one task at a time' },
  I3: { id: 'I3', name: 'fencing', description: 'only the current assignee at the current generation can complete or fail; rejections use the contract strings' },
  I4: { id: 'I4', name: 'capabilities', description: 'a task is pushed only to an agent with every capability it needs' },
  I5: { id: 'I5', name: 'priority', description: 'no task is pushed while an earlier task in queue order the agent could take waits' },
  I6: { id: 'I6', name: 'liveness', description: 'no task waits while a capable agent idles, nor stays with an agent whose socket is gone' },
  I7: { id: 'I7', name: 'reclaim', description: 'unaccepted, overdue and stuck assignments are taken back within their timers' },
  I8: { id: 'I8', name: 'agreement', description: 'the final snapshot agrees with what agents reported, and lists, stats and agent states agree' },
  I9: { id: 'I9', name: 'durability', description: 'an acknowledged change is never undone or lost, across hub restarts too' },
  I10: { id: 'I10', name: 'availability', description: 'every request and frame gets its answer, and the hub closes sockets only as the contract allows' },
  H1: { id: 'H1', name: 'hostile-reachable', description: 'after every hostile step the hub answers /health and a fresh agent can identify' },
  H2: { id: 'H2', name: 'hostile-error-bodies', description: 'no answer is a 5xx, and every error answer is a JSON object with an error field' },
  H3: { id: 'H3', name: 'hostile-closes', description: 'a socket is closed only where the contract says (binary 1003, oversized 1009, …), and always there' },
  H4: { id: 'H4', name: 'hostile-verdicts', description: 'a bad submit or result is refused with the contract error naming the field; a good one is accepted' },
  H5: { id: 'H5', name: 'hostile-restart', description: 'a hub restarted on its own data starts again: no saved record keeps it down' },
};

export function violation<I extends InvariantId>(invariant: I, kind: KindOf<I>, message: string, evidence: readonly number[]): Violation {
  const unique = [...new Set(evidence)].sort((a, b) => a - b);
  return { invariant, kind, name: INVARIANT_INFO[invariant].name, message, evidence: unique };
}

/** A finding's bucket: the invariant and the kind of violation, never the message. */
export function bucketOf(v: Pick<Violation, 'invariant' | 'kind'>): string {
  return `${v.invariant}/${v.kind}`;
}

/** The kind a violation saved under an older name is judged as now (itself when it kept its name). */
export function currentKind(v: Pick<Violation, 'invariant' | 'kind'>): string {
  return FOLDED_KINDS[bucketOf(v)] ?? v.kind;
}

/** The catalogue's entry for this (invariant, kind), if the model reports it today. */
function kindEntry(v: { invariant: string; kind: string }): { waitsForTimers: boolean } | undefined {
  const kinds: Record<string, { waitsForTimers: boolean }> | undefined = (VIOLATION_KINDS as Record<string, Record<string, { waitsForTimers: boolean }>>)[v.invariant];
  return kinds !== undefined && Object.hasOwn(kinds, v.kind) ? kinds[v.kind] : undefined;
}

/** Whether the model reports this (invariant, kind) today. */
export function isKnownKind(v: { invariant: string; kind: string }): boolean {
  return kindEntry(v) !== undefined;
}

/** Whether judging this kind needs the hub's timers to have run out (else it shows as soon as its evidence does). */
export function waitsForTimers(v: Pick<Violation, 'invariant' | 'kind'>): boolean {
  return kindEntry(v)?.waitsForTimers ?? true;
}

/** Times in messages: history milliseconds, rounded. */
export function at(t: number): string {
  return `t=${Math.round(t)}ms`;
}
