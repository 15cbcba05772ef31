import fc from 'fast-check';
import type { HistoryEvent } from '../../models/history.js';
import { checkHistory, type Violation } from '../../models/check.js';
import { actionArbitrary, actionsArbitrary } from '../../properties/action-arbitraries.js';
import type { PropertyFamily } from '../../properties/family.js';
import { scheduledActionsArbitrary, type ScheduledActions } from '../../properties/schedule-arbitrary.js';
import type { Action } from '../actions/action.js';
import { NATURAL_ORDER, type Schedule } from '../sim/schedule.js';
import type { SimStep } from '../sim/scheduler.js';
import type { TargetFactory } from '../targets/target.js';
import type { ActionOutcome } from './execute-action.js';
import { runOnce, type RunResult, type RunSetup } from './run-once.js';

export const CAPABILITY_POOL: readonly string[] = ['python', 'gpu', 'web'];
export const JANITOR_ID = 'janitor';

export interface FuzzConfig {
  family: PropertyFamily;
  runs: number;
  seed: number;
  /** A fast-check path: replay exactly the counterexample it names. */
  path?: string;
  agents: number;
  maxActions: number;
  timeoutPerRunMs: number;
  /** Aborted (Ctrl-C): the current run tears down at once and no further run starts. */
  signal?: AbortSignal;
  /** Stop starting new runs after this long (shrinking included). */
  timeBudgetMs?: number;
  targets: TargetFactory;
  onRunEnd?: (run: { index: number; failed: boolean; actions: number }) => void;
}

export interface Failure {
  family: string;
  seed: number;
  /** fast-check's path to the shrunk counterexample. */
  path: string;
  actions: Action[];
  /** How concurrent events were ordered (simulation only; natural order otherwise). */
  schedule: Schedule;
  /** What the simulation's scheduler did, step by step (empty over a real network). */
  trace: readonly SimStep[];
  outcomes: ActionOutcome[];
  violations: Violation[];
  history: readonly HistoryEvent[];
  shrinks: number;
}

export interface FuzzOutcome {
  ok: boolean;
  runs: number;
  elapsedMs: number;
  /** Actions played, over every run including shrinking. */
  actionsPlayed: number;
  interrupted: boolean;
  failure?: Failure;
  /** The runner, not the hub, failed; its message. */
  runnerError?: string;
}

/** Agent names as actions and reports use them; a target may prefix them per run. */
export function agentNamesFor(config: Pick<FuzzConfig, 'agents'>): string[] {
  return Array.from({ length: config.agents }, (_, i) => `agent-${i}`);
}

export function runSetupFor(config: Pick<FuzzConfig, 'agents' | 'targets' | 'timeoutPerRunMs' | 'signal'>, seed: number | null): RunSetup {
  return {
    targets: config.targets,
    agentNames: agentNamesFor(config),
    janitorName: JANITOR_ID,
    capabilityPool: CAPABILITY_POOL,
    seed,
    timeoutPerRunMs: config.timeoutPerRunMs,
    ...(config.signal === undefined ? {} : { signal: config.signal }),
  };
}

/** The model's verdict on one run, plus what only the runner can see (a run that never ended). */
export function judge(result: RunResult, family: PropertyFamily, timeoutPerRunMs: number): Violation[] {
  const { violations } = checkHistory(result.history, { invariants: [...family.invariants] });
  if (!result.timedOut) return violations;
  return [
    ...violations,
    {
      invariant: 'I10',
      name: 'availability',
      message: `the run did not finish within --timeout-per-run ${timeoutPerRunMs} ms`,
      evidence: [Math.max(0, result.history.length - 1)],
    },
  ];
}

/** Play one action sequence on a fresh target and judge it. */
export async function playOnce(
  config: Pick<FuzzConfig, 'family' | 'agents' | 'targets' | 'timeoutPerRunMs' | 'signal'>,
  seed: number | null,
  actions: readonly Action[],
  schedule: Schedule = NATURAL_ORDER,
): Promise<{ result: RunResult; violations: Violation[] }> {
  const result = await runOnce(runSetupFor(config, seed), actions, schedule);
  if (result.error !== undefined) throw new RunnerError(result.error);
  return { result, violations: judge(result, config.family, config.timeoutPerRunMs) };
}

class RunnerError extends Error {}

/** Generate, run, judge and shrink: the whole of `npm run fuzz` but the printing. */
export async function fuzz(config: FuzzConfig): Promise<FuzzOutcome> {
  const generators = {
    agents: config.agents,
    capabilityPool: CAPABILITY_POOL,
    maxActions: config.maxActions,
    canRestart: config.targets.canRestart,
    simulated: config.targets.kind === 'sim',
  };
  // Only a simulation has interleavings to generate; elsewhere the OS orders events.
  const runs: fc.Arbitrary<ScheduledActions> =
    config.targets.kind === 'sim'
      ? scheduledActionsArbitrary(actionArbitrary(generators, config.family.weights), config.maxActions)
      : actionsArbitrary(generators, config.family.weights).map((actions) => ({ actions, schedule: NATURAL_ORDER }));
  let runIndex = 0;
  let actionsPlayed = 0;
  let lastFailure: Omit<Failure, 'path' | 'shrinks'> | undefined;
  const property = fc.asyncProperty(runs, async ({ actions, schedule }) => {
    // fast-check cannot be stopped from outside; once interrupted, every run passes without playing.
    if (config.signal?.aborted) return true;
    const { result, violations } = await playOnce(config, config.seed, actions, schedule);
    if (config.signal?.aborted) return true;
    actionsPlayed += result.outcomes.length;
    config.onRunEnd?.({ index: runIndex++, failed: violations.length > 0, actions: actions.length });
    if (violations.length === 0) return true;
    lastFailure = {
      family: config.family.name,
      seed: config.seed,
      actions,
      schedule,
      trace: result.trace,
      outcomes: result.outcomes,
      violations,
      history: result.history,
    };
    return false;
  });

  const started = Date.now();
  const details = await fc.check(property, {
    numRuns: config.runs,
    seed: config.seed,
    ...(config.path === undefined ? {} : { path: config.path, endOnFailure: true }),
    ...(config.timeBudgetMs === undefined ? {} : { interruptAfterTimeLimit: config.timeBudgetMs }),
  });
  const elapsedMs = Date.now() - started;
  const base = { runs: details.numRuns, elapsedMs, actionsPlayed, interrupted: details.interrupted };
  if (!details.failed) return { ok: true, ...base };
  if (details.errorInstance instanceof RunnerError) {
    return { ok: false, ...base, runnerError: details.errorInstance.message };
  }
  if (lastFailure === undefined) {
    return { ok: false, ...base, runnerError: String(details.errorInstance ?? 'the property failed without a run') };
  }
  return {
    ok: false,
    ...base,
    failure: { ...lastFailure, path: details.counterexamplePath ?? '', shrinks: details.numShrinks },
  };
}
