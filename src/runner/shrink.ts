import fc from 'fast-check';
import { bucketOf, checkHistory, waitsForTimers } from '../../models/check.js';
import type { ScheduledActions } from '../../properties/schedule-arbitrary.js';
import type { HistoryEvent } from '../../models/history.js';
import type { Action } from '../actions/action.js';
import type { Schedule } from '../sim/schedule.js';
import type { TargetFactory } from '../targets/target.js';
import { bucketsOf, hubDownFor, playedPart, sharesBucket, type Finding, type ShrinkEnd } from './findings.js';
import type { Played } from './fuzz.js';

export interface ShrinkSetup {
  runs: fc.Arbitrary<ScheduledActions>;
  seed: number;
  invariants: readonly string[];
  targets: TargetFactory;
  /** Plays one candidate; `cutShortWhen` may end it once its verdict is in. */
  play: (
    actions: readonly Action[],
    schedule: Schedule,
    options: { signal: AbortSignal; timersMatter: boolean; cutShortWhen?: (history: readonly HistoryEvent[]) => boolean },
  ) => Promise<Played>;
  /** Wall-clock deadline (Date.now()) after which shrinking stops with the best so far. */
  deadline: number;
  signal: AbortSignal | undefined;
  /** Told about every smaller counterexample and every attempt; awaited, so a save finishes before the next attempt. */
  onSmaller: (finding: Finding) => Promise<void>;
  onAttempt: (finding: Finding, elapsedMs: number) => void;
  /** Said once per campaign: the hub stopped answering and was brought back. */
  onRevived: (reason: string) => void;
}

/**
 * Shrinks a finding with fast-check's shrinker, starting from the run that
 * found it (`seed` and run index: the path). A candidate counts as failing
 * only if it breaks one of the finding's own buckets (no slippage onto
 * another defect, nor onto a hub that was already down), and each one is
 * played only on a hub known to answer. Over a network, a candidate ends as
 * soon as it shows one of the chased safety buckets; only liveness ones wait
 * out the timers they are about.
 */
export async function shrinkFinding(setup: ShrinkSetup, finding: Finding): Promise<void> {
  const chase = new Set(finding.buckets);
  // A candidate fails once it shows any chased bucket, so one shown by a safety kind settles it early.
  // Only where waiting costs wall time: a simulation waits for free, and its full history replays exactly.
  const chased = finding.failure.violations.filter((v) => chase.has(bucketOf(v)));
  const settledBy = new Set(chased.filter((v) => !waitsForTimers(v)).map(bucketOf));
  const simulated = setup.targets.kind === 'sim';
  const cutShortWhen =
    settledBy.size === 0 || simulated
      ? undefined
      : (history: readonly HistoryEvent[]): boolean => sharesBucket(checkHistory(history, { invariants: setup.invariants }).violations, settledBy);
  // Chasing safety buckets only, a candidate need not wait out the acceptance timer: one whose violation
  // needs that timer's reclaim to show is then a pass, a smaller shrink at worst, never a wrong finding.
  const timersMatter = simulated || chased.some(waitsForTimers);
  const started = Date.now();
  const budget = new AbortController();
  const budgetTimer = setTimeout(() => budget.abort(), Math.max(0, setup.deadline - started));
  const signal = setup.signal === undefined ? budget.signal : AbortSignal.any([setup.signal, budget.signal]);
  const [runIndex] = finding.failure.path.split(':');
  let path = runIndex ?? '0';
  let sinceSmaller = 0;
  let first = true;
  let end: ShrinkEnd = 'done';
  const stopped = (): boolean => {
    if (end !== 'done') return true;
    if (setup.signal?.aborted) end = 'interrupted';
    else if (budget.signal.aborted) end = 'budget';
    return end !== 'done';
  };

  const property = fc.asyncProperty(setup.runs, async ({ actions, schedule }) => {
    // The run that found it, replayed first by fast-check: its verdict is known.
    if (first) {
      first = false;
      return false;
    }
    if (stopped() || !(await hubAnswers(setup, () => (end = 'hub-down')))) return true;
    finding.shrinkAttempts++;
    const played = await setup.play(actions, schedule, { signal, timersMatter, ...(cutShortWhen === undefined ? {} : { cutShortWhen }) });
    setup.onAttempt(finding, Date.now() - started);
    if (stopped()) return true;
    for (const bucket of bucketsOf(played.violations)) if (!chase.has(bucket) && !finding.alsoSeen.includes(bucket)) finding.alsoSeen.push(bucket);
    if (!sharesBucket(played.violations, chase)) {
      sinceSmaller++;
      return true;
    }
    path = `${path}:${sinceSmaller}`;
    sinceSmaller = 0;
    finding.failure = { ...finding.failure, path, shrinks: finding.failure.shrinks + 1, ...playedPart(actions, schedule, played) };
    await setup.onSmaller(finding);
    return false;
  });
  try {
    await fc.check(property, { seed: setup.seed, path: runIndex ?? '0', numRuns: 1 });
  } finally {
    clearTimeout(budgetTimer);
  }
  finding.shrinkEnd = end;
  finding.shrinkMs = Date.now() - started;
}

/** Before a candidate: the hub answers, or is brought back; otherwise (a failed restart too) shrinking stops here. */
async function hubAnswers(setup: ShrinkSetup, giveUp: () => void): Promise<boolean> {
  const down = await hubDownFor(setup.targets, setup.onRevived).catch((error: unknown) => String(error));
  if (down === null) return true;
  giveUp();
  return false;
}
