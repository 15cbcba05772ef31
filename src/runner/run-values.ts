import fc from 'fast-check';
import { actionArbitrary, actionsArbitrary } from '../../properties/action-arbitraries.js';
import { scheduledActionsArbitrary, type ScheduledActions } from '../../properties/schedule-arbitrary.js';
import { NATURAL_ORDER } from '../sim/schedule.js';
import { CAPABILITY_POOL, type FuzzConfig } from './fuzz.js';

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
  const [value] = valuesFrom(runs, seed, path, 1);
  if (value === undefined) throw new Error(`fast-check generated nothing at path ${path}`);
  return value;
}

/** `count` values in a row from `path` on: fast-check goes on from the path's run as it would without one. */
function valuesFrom(runs: fc.Arbitrary<ScheduledActions>, seed: number, path: string, count: number): ScheduledActions[] {
  const values: ScheduledActions[] = [];
  fc.check(
    fc.property(runs, (generated) => {
      values.push(generated);
      return true;
    }),
    { seed, path, numRuns: count },
  );
  return values;
}

/** How many runs a batch starting at run `first` holds. */
export type BatchSize = (first: number) => number;

/** Fast-check steps this many times per run of a batch to reach its start (see `RunValues`). */
const STEPS_PER_RUN = 64;
const MIN_BATCH = 32;
/** About 10 MB of generated runs held at once. */
const MAX_BATCH = 2048;

/**
 * A simulated run's batch grows with its start, so that reaching the start
 * stays a small, fixed part of each run's cost however long the campaign:
 * with batches of 32 throughout, generating the runs of a 100,000-run
 * campaign took 54 s, and 8 s with these.
 */
export function simBatchSize(first: number): number {
  return Math.min(MAX_BATCH, Math.max(MIN_BATCH, Math.floor(first / STEPS_PER_RUN)));
}

/**
 * Run values for one thread that asks for a batch of indices at a time, in
 * rising order. fast-check reaches run i by stepping its generator i times
 * (a fraction of a microsecond a step), so asking index by index costs time
 * that grows with i (about 30 ms at run 100,000, ten simulated runs); one
 * step to the start of a batch serves the whole batch.
 */
export class RunValues {
  private start = 0;
  private batch: ScheduledActions[] = [];

  constructor(
    private readonly runs: fc.Arbitrary<ScheduledActions>,
    private readonly seed: number,
  ) {}

  /** Run `index` of the batch that ends before `end`: the first ask in a batch generates all of it. */
  at(index: number, end: number): ScheduledActions {
    const cached = index >= this.start ? this.batch[index - this.start] : undefined;
    if (cached !== undefined) return cached;
    this.start = index;
    this.batch = valuesFrom(this.runs, this.seed, String(index), Math.max(1, end - index));
    const value = this.batch[0];
    if (value === undefined) throw new Error(`fast-check generated nothing at run ${index}`);
    return value;
  }
}
