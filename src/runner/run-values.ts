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

/**
 * Run values for one thread that asks for indices in rising order. fast-check
 * reaches run i by stepping its generator i times, so asking index by index
 * costs time that grows with i (8 ms at run 20,000, twice a simulated run);
 * one step to the start of a batch serves the whole batch.
 */
export class RunValues {
  private start = 0;
  private batch: ScheduledActions[] = [];

  constructor(
    private readonly runs: fc.Arbitrary<ScheduledActions>,
    private readonly seed: number,
    private readonly batchSize: number,
  ) {}

  at(index: number): ScheduledActions {
    const cached = index >= this.start ? this.batch[index - this.start] : undefined;
    if (cached !== undefined) return cached;
    this.start = index;
    this.batch = valuesFrom(this.runs, this.seed, String(index), this.batchSize);
    const value = this.batch[0];
    if (value === undefined) throw new Error(`fast-check generated nothing at run ${index}`);
    return value;
  }
}
