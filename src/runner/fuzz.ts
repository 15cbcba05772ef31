import type { HistoryEvent } from '../../models/history.js';
import { checkHistory, type Violation } from '../../models/check.js';
import { at, violation } from '../../models/invariants/catalog.js';
import type { PropertyFamily } from '../../properties/family.js';
import type { Action } from '../actions/action.js';
import { NATURAL_ORDER, type Schedule } from '../sim/schedule.js';
import type { SimStep } from '../sim/scheduler.js';
import type { TargetFactory } from '../targets/target.js';
import type { ActionOutcome } from './execute-action.js';
import type { CampaignEvent, Finding } from './findings.js';
import { runOnce, type HubDown, type RunResult, type RunSetup } from './run-once.js';

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
  /** Aborted (a signal): the current runs tear down at once, shrinking stops with the best so far. */
  signal?: AbortSignal;
  /** Stop starting new runs after this long (shrinking included). */
  timeBudgetMs?: number;
  /** Shrinking one finding stops after this long with the best so far (never past the time budget). */
  shrinkBudgetMs?: number;
  /** After a finding, go on exploring; report every distinct one. */
  keepGoing?: boolean;
  /** With keepGoing: stop once this many distinct findings are known. */
  maxFindings?: number;
  /** Runs played at once. */
  jobs?: number;
  targets: TargetFactory;
  /** Saved failures to replay before exploring (the corpus), already matched to the family and target kind. */
  corpus?: ReadonlyArray<{ file: string; failure: SavedFailure }>;
  /** The campaign's event stream; awaited, so a reporter's save ends before the campaign goes on. */
  onEvent?: (event: CampaignEvent) => void | Promise<void>;
}

export const DEFAULT_SHRINK_BUDGET_MS = 300_000;
export const DEFAULT_MAX_FINDINGS = 10;

export interface Failure {
  family: string;
  seed: number;
  /** fast-check's path to the (shrunk) counterexample. */
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
  /** Runs finished (shrinking attempts not counted). */
  runs: number;
  elapsedMs: number;
  /** Actions played, over every run including shrinking. */
  actionsPlayed: number;
  /** Fewer runs than asked: a signal, the time budget, --max-findings or a hub gone for good. */
  interrupted: boolean;
  /** Every distinct finding, in the order found. */
  findings: Finding[];
  /** The first finding's counterexample (what one-finding readers want). */
  failure?: Failure;
  /** The runner, not the hub, failed; its message. */
  runnerError?: string;
}

/** What the campaign needs of a saved failure file to play it again. */
export interface SavedFailure {
  seed: number;
  path: string;
  agents: number;
  actions: Action[];
  schedule?: Schedule;
  violations: Violation[];
}

/** A run as played and judged. */
export interface Played {
  result: RunResult;
  violations: Violation[];
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

/** The model's verdict on one run, plus what only the runner can see (a run that never ended, a hub that went down). */
export function judge(result: RunResult, family: PropertyFamily, timeoutPerRunMs: number): Violation[] {
  const { violations } = checkHistory(result.history, { invariants: [...family.invariants] });
  const extra: Violation[] = [];
  if (result.timedOut) {
    extra.push(violation('I10', 'run-timeout', `the run did not finish within --timeout-per-run ${timeoutPerRunMs} ms`, [Math.max(0, result.history.length - 1)]));
  }
  if (result.hubDown !== undefined) extra.push(hubDownViolation(result.history, result.hubDown));
  return [...violations, ...extra];
}

export function hubDownViolation(history: readonly HistoryEvent[], down: HubDown): Violation {
  const lastAnswer = history.filter((event) => event.seq < down.healthSeq && answered(event)).at(-1);
  const seen = lastAnswer === undefined ? 'no answer was ever seen' : `the last answer seen was #${lastAnswer.seq} at ${at(lastAnswer.t)}`;
  return violation(
    'I10',
    'hub-down',
    `the hub went down during the run: GET /health after it got no answer (${down.reason}); ${seen}`,
    [down.healthSeq, ...(lastAnswer === undefined ? [] : [lastAnswer.seq])],
  );
}

function answered(event: HistoryEvent): boolean {
  return event.kind === 'ws_recv' || (event.kind === 'http' && event.payload.status !== null);
}

/** Play one action sequence on a fresh target and judge it. */
export async function playOnce(
  config: Pick<FuzzConfig, 'family' | 'agents' | 'targets' | 'timeoutPerRunMs' | 'signal'>,
  seed: number | null,
  actions: readonly Action[],
  schedule: Schedule = NATURAL_ORDER,
  options: Pick<RunSetup, 'signal' | 'cutShortWhen' | 'timersMatter'> = {},
): Promise<Played> {
  const result = await runOnce({ ...runSetupFor(config, seed), ...options }, actions, schedule);
  if (result.error !== undefined) throw new RunnerError(result.error);
  return { result, violations: judge(result, config.family, config.timeoutPerRunMs) };
}

export class RunnerError extends Error {}

export { fuzz } from './campaign.js';
