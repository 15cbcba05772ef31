import { bucketOf, type Violation } from '../../models/check.js';
import type { Failure } from './fuzz.js';

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

/** The runner's own I10 kind: the hub stopped answering /health. */
export const HUB_DOWN_BUCKET = 'I10/hub-down';

export function bucketsOf(violations: readonly Violation[]): Set<string> {
  return new Set(violations.map(bucketOf));
}

export function sharesBucket(violations: readonly Violation[], buckets: Iterable<string>): boolean {
  const wanted = new Set(buckets);
  return violations.some((v) => wanted.has(bucketOf(v)));
}
