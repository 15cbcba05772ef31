import { bucketOf, type Violation } from '../../models/check.js';
import type { Action } from '../actions/action.js';
import type { Schedule } from '../sim/schedule.js';
import type { TargetFactory } from '../targets/target.js';
import type { Failure, Played } from './fuzz.js';

/** How shrinking a finding ended: it ran its course, or was stopped with the best so far. */
export type ShrinkEnd = 'done' | 'budget' | 'interrupted' | 'hub-down' | 'replayed';

/** One distinct defect: the buckets it was opened for, its best counterexample, and how often runs hit it. */
export interface Finding {
  /** 1-based, in the order they were found. */
  number: number;
  /** The buckets (invariant/kind) shrinking chased: new when the finding was opened. */
  buckets: string[];
  /** 0-based index of the run that found it; -1 when it came from the corpus. */
  firstRun: number;
  /** Runs whose violations fell into these buckets (the first included). */
  hits: number;
  /** The smallest counterexample so far. */
  failure: Failure;
  /** The unshrunk run's length, for the report. */
  originalLength: number;
  shrinkEnd: ShrinkEnd | null;
  shrinkAttempts: number;
  /** Wall time spent shrinking it. */
  shrinkMs: number;
  /** Buckets that candidates broke while shrinking this finding, though not its own. */
  alsoSeen: string[];
  /** The corpus file it was replayed from, and the agents that file's actions name. */
  fromCorpus?: string;
  agents?: number;
}

/** What the console, JSON, JUnit and HTML reporters hear as a campaign goes on. */
export type CampaignEvent =
  | { type: 'run-end'; finished: number; failed: boolean; actions: number }
  | { type: 'found'; finding: Finding }
  | { type: 'shrink-progress'; finding: Finding; attempts: number; length: number; elapsedMs: number }
  | { type: 'shrunk'; finding: Finding }
  | { type: 'shrink-end'; finding: Finding }
  | { type: 'hit'; finding: Finding; runIndex: number }
  | { type: 'corpus-fixed'; file: string }
  | { type: 'notice'; message: string };

/** What a played run gives a finding's counterexample: its actions and schedule, and what playing them recorded. */
export function playedPart(actions: readonly Action[], schedule: Schedule, played: Played): Pick<Failure, 'actions' | 'schedule' | 'trace' | 'outcomes' | 'violations' | 'history'> {
  return {
    actions: [...actions],
    schedule,
    trace: played.result.trace,
    outcomes: played.result.outcomes,
    violations: played.violations,
    history: played.result.history,
  };
}

/** The runner's own I10 kind: the hub stopped answering /health. */
export const HUB_DOWN_BUCKET = 'I10/hub-down';

/**
 * Before a run or a shrink attempt on a hub that outlives the runs: null if
 * it answers, or once `revive` brought it back (`onRevived` is told why it
 * was down); otherwise why it is down and stays down. A failed revive throws.
 */
export async function hubDownFor(targets: TargetFactory, onRevived: (reason: string) => void): Promise<string | null> {
  const down = await targets.checkAlive?.();
  if (down === undefined || down === null) return null;
  if (targets.revive === undefined) return down;
  await targets.revive();
  onRevived(down);
  return null;
}

export function bucketsOf(violations: readonly Violation[]): Set<string> {
  return new Set(violations.map(bucketOf));
}

export function sharesBucket(violations: readonly Violation[], buckets: Iterable<string>): boolean {
  const wanted = new Set(buckets);
  return violations.some((v) => wanted.has(bucketOf(v)));
}
