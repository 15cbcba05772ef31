import fc from 'fast-check';
import { bucketOf } from '../../models/check.js';
import { actionArbitrary, actionsArbitrary } from '../../properties/action-arbitraries.js';
import { scheduledActionsArbitrary, type ScheduledActions } from '../../properties/schedule-arbitrary.js';
import { NATURAL_ORDER } from '../sim/schedule.js';
import { bucketsOf, hubDownFor, HUB_DOWN_BUCKET, playedPart, type CampaignEvent, type Finding, type ShrinkEnd } from './findings.js';
import {
  CAPABILITY_POOL,
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
import { SimPool, type SimSpec } from './sim-pool.js';

/**
 * Runs played at once when --jobs is not given. An embedded run is mostly
 * waiting (a fresh hub each, 7.5 % of a core), so four overlap well on two
 * cores; a simulation is all CPU on one thread; a remote hub is not ours to load.
 */
export const DEFAULT_JOBS = { embedded: 4, sim: 1, remote: 1 } as const;

/**
 * A hub restart on a shared remote hub would cut every run playing beside
 * the one that asked for it, so with --jobs over 1 no run asks for one.
 */
export function restartsOffForJobs(config: Pick<FuzzConfig, 'targets' | 'jobs'>): boolean {
  return config.targets.kind === 'remote' && config.targets.canRestart && (config.jobs ?? 1) > 1;
}

/** What one run is made of; only a simulation has interleavings to generate, elsewhere the OS orders events. */
export function runsArbitrary(config: Pick<FuzzConfig, 'agents' | 'maxActions' | 'targets' | 'family' | 'jobs'>): fc.Arbitrary<ScheduledActions> {
  const generators = {
    agents: config.agents,
    capabilityPool: CAPABILITY_POOL,
    maxActions: config.maxActions,
    canRestart: config.targets.canRestart && !restartsOffForJobs(config),
    simulated: config.targets.kind === 'sim',
  };
  return config.targets.kind === 'sim'
    ? scheduledActionsArbitrary(actionArbitrary(generators, config.family.weights), config.maxActions)
    : actionsArbitrary(generators, config.family.weights).map((actions) => ({ actions, schedule: NATURAL_ORDER }));
}

/** The value fast-check generates at `path` for `seed`: the same one a single fc.check over every run would play there. */
export function valueAt(runs: fc.Arbitrary<ScheduledActions>, seed: number, path: string): ScheduledActions {
  let value: ScheduledActions | undefined;
  fc.check(
    fc.property(runs, (generated) => {
      value ??= generated;
      return true;
    }),
    { seed, path, numRuns: 1 },
  );
  if (value === undefined) throw new Error(`fast-check generated nothing at path ${path}`);
  return value;
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
  private pool: SimPool | undefined;

  constructor(private readonly config: FuzzConfig) {
    this.runs = runsArbitrary(config);
    this.signal = config.signal === undefined ? this.exploring.signal : AbortSignal.any([config.signal, this.exploring.signal]);
  }

  async run(): Promise<FuzzOutcome> {
    const jobs = Math.max(1, this.config.jobs ?? 1);
    // In simulation the main thread is one of the N: it plays runs itself beside N - 1 workers.
    if (this.config.targets.kind === 'sim' && jobs > 1 && this.config.path === undefined) this.pool = new SimPool(simSpecOf(this.config, jobs), jobs - 1);
    try {
      if (this.config.path !== undefined) await this.replayPath(this.config.path);
      else if ((await this.replayCorpus()) || this.config.keepGoing) await Promise.all(Array.from({ length: jobs }, (_, slot) => this.slot(slot === 0 ? undefined : this.pool)));
    } catch (error) {
      if (!(error instanceof RunnerError)) throw error;
      this.runnerError = error.message;
    } finally {
      await this.pool?.close();
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
    this.interrupted ||= early && this.nextRun < this.config.runs;
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

  /** One slot, here or on a simulation worker: takes the next run index until there are none, or exploring stops. */
  private async slot(pool: SimPool | undefined): Promise<void> {
    while (!this.signal.aborted) {
      if (this.outOfTime()) {
        this.stopExploring(true);
        return;
      }
      const index = this.nextRun++;
      if (index >= this.config.runs) return;
      if (!(await this.hubStillThere())) return;
      const run = await this.playRun(index, pool);
      if (this.signal.aborted) return;
      this.finished++;
      if (run.played !== undefined) this.lastPlayed = { index, played: run.played, value: run.value };
      const failed = run.played !== undefined && run.played.violations.length > 0;
      await this.emit({ type: 'run-end', finished: this.finished, failed, actions: run.actions });
      if (failed && run.played !== undefined) await this.triage(index, run.value, run.played);
    }
  }

  /**
   * Run `index` here, or on a simulation worker; a run that failed there is
   * played again here (the same deterministic simulation) for its history.
   * No `played`: it passed on a worker.
   */
  private async playRun(
    index: number,
    pool: SimPool | undefined,
  ): Promise<{ actions: number } & ({ value: ScheduledActions; played: Played } | { played?: undefined })> {
    if (pool !== undefined) {
      const verdict = await pool.play(index);
      if (verdict.error !== undefined) throw new RunnerError(verdict.error);
      this.actionsPlayed += verdict.actionsPlayed;
      if (!verdict.failed) return { actions: verdict.actions };
    }
    const value = valueAt(this.runs, this.config.seed, String(index));
    return { actions: value.actions.length, value, played: await this.play(value, { signal: this.signal }) };
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

  /** A failing run: a new finding if it breaks something no finding covers, else one more hit. */
  private async triage(index: number, value: ScheduledActions, played: Played): Promise<void> {
    if (!this.config.keepGoing && this.findings.length > 0) return;
    const known = new Set(this.findings.flatMap((f) => f.buckets));
    const buckets = [...bucketsOf(played.violations)];
    const fresh = buckets.filter((bucket) => !known.has(bucket));
    if (!this.config.keepGoing) this.stopExploring(false);
    if (fresh.length === 0) {
      for (const finding of this.findings.filter((f) => f.buckets.some((b) => buckets.includes(b)))) {
        finding.hits++;
        await this.emit({ type: 'hit', finding, runIndex: index });
      }
      return;
    }
    if (this.findings.length + 1 >= (this.config.maxFindings ?? DEFAULT_MAX_FINDINGS)) this.stopExploring(true);
    await this.open(index, value, played, fresh, 'shrink');
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
      const shown = bucketsOf(finding.failure.violations);
      finding.buckets = finding.buckets.filter((bucket) => shown.has(bucket));
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
