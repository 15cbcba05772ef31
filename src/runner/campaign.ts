import fc from 'fast-check';
import { bucketOf } from '../../models/check.js';
import type { ScheduledActions } from '../../properties/schedule-arbitrary.js';
import { NATURAL_ORDER } from '../sim/schedule.js';
import { bucketsOf, hubDownFor, HUB_DOWN_BUCKET, playedPart, type CampaignEvent, type Finding, type ShrinkEnd } from './findings.js';
import {
  DEFAULT_MAX_FINDINGS,
  DEFAULT_SHRINK_BUDGET_MS,
  hubDownViolation,
  playOnce,
  RunnerError,
  type Failure,
  type FuzzConfig,
  type FuzzOutcome,
  type Played,
} from './fuzz.js';
import type { RunSetup } from './run-once.js';
import { shrinkFinding } from './shrink.js';
import { RunValues, runsArbitrary, simBatchSize, valueAt, type BatchSize } from './run-values.js';
import { SimSlot, type SimSpec } from './sim-slot.js';

/**
 * Runs played at once when --jobs is not given. An embedded run is mostly
 * waiting (a fresh hub each, 7.5 % of a core), so four overlap well on two
 * cores; a simulation is all CPU on one thread; a remote hub is not ours to load.
 */
export const DEFAULT_JOBS = { embedded: 4, sim: 1, remote: 1 } as const;

/**
 * Runs a slot takes at a time. A simulated run is a few milliseconds, so a
 * slot takes a batch that its thread generates in one go; a network run is
 * long enough that one at a time keeps the slots evenly loaded to the end.
 */
function batchSizeFor(config: Pick<FuzzConfig, 'targets'>): BatchSize {
  return config.targets.kind === 'sim' ? simBatchSize : () => 1;
}

function simSpecOf(config: FuzzConfig, jobs: number): SimSpec {
  return {
    family: config.family.name,
    seed: config.seed,
    agents: config.agents,
    maxActions: config.maxActions,
    timeoutPerRunMs: config.timeoutPerRunMs,
    jobs,
    timers: config.targets.timers,
    faults: config.targets.faults,
  };
}

/**
 * Generate, run, judge, bucket and shrink: the whole of `npm run fuzz` but the
 * printing. Run i is fast-check's run i for the seed, whichever slot plays it,
 * so `--replay SEED:PATH` reproduces any finding alone.
 */
export async function fuzz(config: FuzzConfig): Promise<FuzzOutcome> {
  return new Campaign(config).run();
}

/** A run's verdict: the buckets it broke (none: it passed), and what it recorded if this thread played it. */
interface PlayedRun {
  actions: number;
  buckets: string[];
  here?: { value: ScheduledActions; played: Played };
}

class Campaign {
  private readonly runs: fc.Arbitrary<ScheduledActions>;
  private readonly started = Date.now();
  private readonly findings: Finding[] = [];
  /** Stops the exploring slots (not shrinking): a finding without --keep-going, the budget, a dead hub. */
  private readonly exploring = new AbortController();
  private readonly signal: AbortSignal;
  private nextRun = 0;
  private finished = 0;
  private actionsPlayed = 0;
  private interrupted = false;
  private runnerError: string | undefined;
  private revivedSaid = false;
  private lastPlayed: { index: number; played: Played; value: ScheduledActions } | undefined;
  /** This thread's runs; simulation worker threads have their own. */
  private readonly values: RunValues;
  private readonly batchSize: BatchSize;
  private simSlots: SimSlot[] = [];

  constructor(private readonly config: FuzzConfig) {
    this.runs = runsArbitrary(config);
    this.batchSize = batchSizeFor(config);
    this.values = new RunValues(this.runs, config.seed);
    this.signal = config.signal === undefined ? this.exploring.signal : AbortSignal.any([config.signal, this.exploring.signal]);
  }

  async run(): Promise<FuzzOutcome> {
    const jobs = Math.max(1, this.config.jobs ?? 1);
    // In simulation the main thread is one of the N: it plays runs itself beside N - 1 workers.
    if (this.config.targets.kind === 'sim' && jobs > 1 && this.config.path === undefined) {
      const spec = simSpecOf(this.config, jobs);
      this.simSlots = Array.from({ length: jobs - 1 }, () => new SimSlot(spec));
    }
    try {
      if (this.config.path !== undefined) await this.replayPath(this.config.path);
      else if ((await this.replayCorpus()) || this.config.keepGoing) await Promise.all(Array.from({ length: jobs }, (_, slot) => this.slot(this.simSlots[slot - 1])));
    } catch (error) {
      if (!(error instanceof RunnerError)) throw error;
      this.runnerError = error.message;
    } finally {
      await Promise.all(this.simSlots.map((slot) => slot.close()));
    }
    const failure = this.findings[0]?.failure;
    return {
      ok: this.findings.length === 0 && this.runnerError === undefined,
      runs: this.finished,
      elapsedMs: Date.now() - this.started,
      actionsPlayed: this.actionsPlayed,
      interrupted: this.interrupted || this.config.signal?.aborted === true,
      findings: this.findings,
      ...(failure === undefined ? {} : { failure }),
      ...(this.runnerError === undefined ? {} : { runnerError: this.runnerError }),
    };
  }

  private async emit(event: CampaignEvent): Promise<void> {
    await this.config.onEvent?.(event);
  }

  /** `early`: runs were left that a budget, --max-findings or a dead hub took away (a finding alone is no interruption). */
  private stopExploring(early: boolean): void {
    this.interrupted ||= early && this.finished < this.config.runs;
    this.exploring.abort();
  }

  private outOfTime(): boolean {
    return this.config.timeBudgetMs !== undefined && Date.now() - this.started >= this.config.timeBudgetMs;
  }

  private async play(value: ScheduledActions, options: Pick<RunSetup, 'signal' | 'cutShortWhen' | 'timersMatter'>): Promise<Played> {
    const played = await playOnce(this.config, this.config.seed, value.actions, value.schedule, options);
    this.actionsPlayed += played.result.outcomes.length;
    return played;
  }

  /** One slot, here or on a simulation worker: takes the next runs until there are none, or exploring stops. */
  private async slot(worker: SimSlot | undefined): Promise<void> {
    let runs = this.claim();
    if (runs !== undefined) worker?.start(runs.first, runs.end);
    while (runs !== undefined) {
      // A worker has its next runs before it ends these: it never waits on this thread, busy with its own runs, in between.
      const ahead = worker === undefined ? undefined : this.claim();
      if (ahead !== undefined) worker?.start(ahead.first, ahead.end);
      for (let index = runs.first; index < runs.end; index++) {
        if (this.signal.aborted) return;
        if (this.outOfTime()) {
          this.stopExploring(true);
          return;
        }
        if (!(await this.hubStillThere())) return;
        const run = await this.playRun(index, runs.end, worker);
        if (this.signal.aborted) return;
        this.finished++;
        if (run.here !== undefined) this.lastPlayed = { index, ...run.here };
        const failed = run.buckets.length > 0;
        await this.emit({ type: 'run-end', finished: this.finished, failed, actions: run.actions });
        if (failed) await this.triage(index, run);
      }
      runs = worker === undefined ? this.claim() : ahead;
    }
  }

  /**
   * The next run indices, in rising order; none once they are all taken or
   * exploring stopped. Batches shrink towards the end so that the slots
   * finish together.
   */
  private claim(): { first: number; end: number } | undefined {
    const first = this.nextRun;
    const left = this.config.runs - first;
    if (left <= 0 || this.signal.aborted) return undefined;
    const jobs = Math.max(1, this.config.jobs ?? 1);
    this.nextRun = first + Math.max(1, Math.min(this.batchSize(first), Math.floor(left / (4 * jobs))));
    return { first, end: this.nextRun };
  }

  /** Run `index` of a batch ending before `end`, here or on a simulation worker (no `here`: only its verdict came back). */
  private async playRun(index: number, end: number, worker: SimSlot | undefined): Promise<PlayedRun> {
    if (worker !== undefined) {
      const verdict = await worker.next();
      if (verdict.index !== index) throw new RunnerError(`a simulation worker answered for run ${verdict.index}, not ${index}`);
      if (verdict.error !== undefined) throw new RunnerError(verdict.error);
      this.actionsPlayed += verdict.actionsPlayed;
      return { actions: verdict.actions, buckets: verdict.buckets };
    }
    const value = this.values.at(index, end);
    const played = await this.play(value, { signal: this.signal });
    return { actions: value.actions.length, buckets: [...bucketsOf(played.violations)], here: { value, played } };
  }

  /**
   * A hub that outlives the runs must answer before each one. One that does
   * not is brought back if it can be; otherwise the run it died after is the
   * finding (if no run has reported it already) and exploring ends.
   */
  private async hubStillThere(): Promise<boolean> {
    const down = await hubDownFor(this.config.targets, (reason) => this.saidRevived(reason));
    if (down === null) return true;
    await this.emit({ type: 'notice', message: `the hub stopped answering (${down}) and there is no --restart-cmd: exploring ends` });
    const last = this.lastPlayed;
    if (last !== undefined && !this.findings.some((f) => f.buckets.includes(HUB_DOWN_BUCKET))) {
      const { history } = last.played.result;
      const violations = [...last.played.violations, hubDownViolation(history, { healthSeq: history.length - 1, reason: down })];
      await this.open(last.index, last.value, { ...last.played, violations }, [HUB_DOWN_BUCKET], 'hub-down');
    }
    this.stopExploring(true);
    return false;
  }

  private saidRevived(reason: string): void {
    if (this.revivedSaid) return;
    this.revivedSaid = true;
    void this.emit({ type: 'notice', message: `the hub stopped answering (${reason}); --restart-cmd brought it back (said once)` });
  }

  /**
   * A failing run: a new finding if it breaks something no finding covers,
   * else one more hit. A run a worker played is played again here (the same
   * deterministic simulation) for its history, only when it is a new finding.
   */
  private async triage(index: number, run: PlayedRun): Promise<void> {
    if (!this.config.keepGoing && this.findings.length > 0) return;
    const known = new Set(this.findings.flatMap((f) => f.buckets));
    const fresh = run.buckets.filter((bucket) => !known.has(bucket));
    if (!this.config.keepGoing) this.stopExploring(false);
    if (fresh.length === 0) {
      for (const finding of this.findings.filter((f) => f.buckets.some((b) => run.buckets.includes(b)))) {
        finding.hits++;
        await this.emit({ type: 'hit', finding, runIndex: index });
      }
      return;
    }
    if (this.findings.length + 1 >= (this.config.maxFindings ?? DEFAULT_MAX_FINDINGS)) this.stopExploring(true);
    const { value, played } = run.here ?? (await this.playHere(valueAt(this.runs, this.config.seed, String(index))));
    await this.open(index, value, played, fresh, 'shrink');
  }

  /** Only an interrupt stops it: exploring may have stopped for this very finding. */
  private async playHere(value: ScheduledActions): Promise<{ value: ScheduledActions; played: Played }> {
    return { value, played: await this.play(value, { signal: this.config.signal }) };
  }

  /** A new finding at `path` (its run index unless replayed): shrunk, or not shrinkable for the reason given. */
  private async open(
    index: number,
    value: ScheduledActions,
    played: Played,
    buckets: string[],
    then: 'shrink' | ShrinkEnd,
    path = String(index),
    corpus?: { fromCorpus: string; seed: number; agents: number },
  ): Promise<void> {
    const failure: Failure = {
      family: this.config.family.name,
      seed: corpus?.seed ?? this.config.seed,
      path,
      ...playedPart(value.actions, value.schedule, played),
      shrinks: 0,
    };
    const finding: Finding = {
      number: this.findings.length + 1,
      buckets,
      firstRun: index,
      hits: 1,
      failure,
      originalLength: value.actions.length,
      shrinkEnd: null,
      shrinkAttempts: 0,
      shrinkMs: 0,
      alsoSeen: [],
      ...(corpus === undefined ? {} : { fromCorpus: corpus.fromCorpus, agents: corpus.agents }),
    };
    this.findings.push(finding);
    await this.emit({ type: 'found', finding });
    if (then === 'shrink') {
      await this.shrink(finding);
      // Buckets the shrunk counterexample no longer shows go back to the pool: a later run opens its own finding for them.
      // Ones it shows that no finding holds yet become its own: it demonstrates them, so a later run breaking them is a hit.
      const shown = bucketsOf(finding.failure.violations);
      const held = new Set(this.findings.flatMap((f) => f.buckets));
      finding.buckets = [...finding.buckets.filter((bucket) => shown.has(bucket)), ...[...shown].filter((bucket) => !held.has(bucket))];
    } else finding.shrinkEnd = then;
    await this.emit({ type: 'shrink-end', finding });
  }

  private async shrink(finding: Finding): Promise<void> {
    const budget = this.config.shrinkBudgetMs ?? DEFAULT_SHRINK_BUDGET_MS;
    const timeLeft = this.config.timeBudgetMs === undefined ? budget : this.started + this.config.timeBudgetMs - Date.now();
    await shrinkFinding(
      {
        runs: this.runs,
        seed: this.config.seed,
        invariants: this.config.family.invariants,
        targets: this.config.targets,
        play: (actions, schedule, options) => this.play({ actions: [...actions], schedule }, options),
        deadline: Date.now() + Math.max(0, Math.min(budget, timeLeft)),
        signal: this.config.signal,
        onSmaller: (f) => this.emit({ type: 'shrunk', finding: f }),
        onAttempt: (f, elapsedMs) =>
          void this.emit({ type: 'shrink-progress', finding: f, attempts: f.shrinkAttempts, length: f.failure.actions.length, elapsedMs }),
        onRevived: (reason) => this.saidRevived(reason),
      },
      finding,
    );
  }

  /**
   * Saved failures first, each on today's hub: one that still breaks one of
   * its buckets is a finding (not shrunk again); one that no longer does is
   * reported fixed. False when a finding ends the campaign here (no --keep-going).
   */
  private async replayCorpus(): Promise<boolean> {
    for (const entry of this.config.corpus ?? []) {
      if (this.signal.aborted) return false;
      const saved = entry.failure;
      const played = await playOnce({ ...this.config, agents: saved.agents }, saved.seed, saved.actions, saved.schedule ?? NATURAL_ORDER, {
        signal: this.signal,
      });
      this.actionsPlayed += played.result.outcomes.length;
      const wanted = new Set(saved.violations.map(bucketOf));
      const again = played.violations.filter((v) => wanted.has(bucketOf(v)));
      if (again.length === 0) {
        await this.emit({ type: 'corpus-fixed', file: entry.file });
        continue;
      }
      const value = { actions: saved.actions, schedule: saved.schedule ?? NATURAL_ORDER };
      await this.open(-1, value, played, [...bucketsOf(again)], 'replayed', saved.path, { fromCorpus: entry.file, seed: saved.seed, agents: saved.agents });
    }
    return this.findings.length === 0;
  }

  /** `--replay SEED:PATH`: exactly the counterexample the path names, once, unshrunk. */
  private async replayPath(path: string): Promise<void> {
    const value = valueAt(this.runs, this.config.seed, path);
    const played = await this.play(value, { signal: this.signal });
    this.finished++;
    await this.emit({ type: 'run-end', finished: 1, failed: played.violations.length > 0, actions: value.actions.length });
    if (played.violations.length === 0 || this.config.signal?.aborted) return;
    const [first = '0'] = path.split(':');
    await this.open(Number(first), value, played, [...bucketsOf(played.violations)], 'replayed', path);
  }
}
