import type { HistoryEvent } from '../../models/history.js';
import { describeAction, type Action } from '../actions/action.js';
import { raceDeadline, type Clock } from '../env/clock.js';
import { networkEnvironment } from '../env/environment.js';
import { HistoryRecorder } from '../history/recorder.js';
import { HubHttpError, HubUnreachableError } from '../http/errors.js';
import { NATURAL_ORDER, type Schedule } from '../sim/schedule.js';
import type { SimStep } from '../sim/scheduler.js';
import type { TargetFactory } from '../targets/target.js';
import { executeAction, type ActionOutcome } from './execute-action.js';
import { quiesce, takeSnapshot } from './quiesce.js';
import { RunContext } from './run-context.js';

export interface RunSetup {
  targets: TargetFactory;
  /** Agent names; the target's namespace makes them the run's agent ids. */
  agentNames: readonly string[];
  janitorName: string;
  capabilityPool: readonly string[];
  seed: number | null;
  /** The whole run (actions, quiesce, snapshot) must end within this; teardown follows regardless. */
  timeoutPerRunMs: number;
  /** Aborted (Ctrl-C): the run stops where it is and tears down at once, revoking what it minted. */
  signal?: AbortSignal;
  /**
   * Asked after the actions and after each step of the quiesce: true ends the
   * run there (what it is looking for is already in the history), sparing the
   * waits for timers that cannot change the verdict.
   */
  cutShortWhen?: (history: readonly HistoryEvent[]) => boolean;
  /**
   * False when no verdict the run is played for needs the hub's timers (a shrink
   * candidate chasing safety buckets only): the quiesce does not wait out the acceptance timer.
   */
  timersMatter?: boolean;
}

/** The hub did not answer /health once the run was over: it went down during the run. */
export interface HubDown {
  /** seq of the unanswered GET /health. */
  healthSeq: number;
  reason: string;
}

export interface RunResult {
  history: readonly HistoryEvent[];
  outcomes: ActionOutcome[];
  /** The run hit its deadline; what was recorded until then is still judged. */
  timedOut: boolean;
  /** The runner itself failed (not the hub); the run cannot be judged. */
  error?: string;
  /** What a simulated target's scheduler did, step by step; empty for a real one. */
  trace: readonly SimStep[];
  /** Ended early by `cutShortWhen`: no full quiesce, no snapshot. */
  cutShort: boolean;
  hubDown?: HubDown;
}

const TEARDOWN_DEADLINE_MS = 10_000;

class RunTimeout extends Error {}
class RunInterrupted extends Error {}

/**
 * A request the run cannot go on without (minting a token) got no answer or a
 * 5xx: the history holds that exchange, so the model judges it (I10) instead
 * of the run counting as the fuzzer's own failure.
 */
function hubFailed(caught: unknown): boolean {
  return caught instanceof HubUnreachableError || (caught instanceof HubHttpError && caught.status >= 500);
}

function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return work;
  return new Promise<T>((resolve, reject) => {
    const stop = (): void => reject(new RunInterrupted('the run was interrupted'));
    if (signal.aborted) stop();
    signal.addEventListener('abort', stop, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', stop));
  });
}

function withDeadline<T>(clock: Clock, work: Promise<T>, ms: number, what: string): Promise<T> {
  return raceDeadline(clock, work, ms, () => new RunTimeout(`${what} did not finish within ${ms} ms`));
}

/**
 * Play one action sequence against a fresh target, then quiesce and snapshot.
 * Records everything; judges nothing. Always closes what it opened.
 */
export async function runOnce(setup: RunSetup, actions: readonly Action[], schedule: Schedule = NATURAL_ORDER): Promise<RunResult> {
  const target = await setup.targets.open({ seed: setup.seed, schedule });
  const { clock } = target.environment ?? networkEnvironment;
  const recorder = new HistoryRecorder({ now: () => clock.monotonicNow() });
  const agentIds = setup.agentNames.map((name) => target.namespace + name);
  const janitorId = target.namespace + setup.janitorName;
  const capabilityPool = [...setup.capabilityPool, ...(target.isolationCapability ? [target.isolationCapability] : [])];
  const ctx = new RunContext(target, recorder, agentIds);
  const outcomes: ActionOutcome[] = [];
  recorder.record({
    actor: 'runner',
    kind: 'run_start',
    payload: {
      seed: setup.seed,
      target: target.kind,
      timers: target.timers,
      agentIds: [...agentIds, janitorId],
      capabilityPool,
      janitorId,
      wallClockOrigin: clock.now() - recorder.now(),
      faults: [...setup.targets.faults],
    },
  });

  let cutShort = false;
  const settled = (): boolean => {
    cutShort ||= setup.cutShortWhen?.(recorder.snapshot()) ?? false;
    return cutShort;
  };
  const play = async (): Promise<void> => {
    recorder.record({ actor: 'runner', kind: 'phase', payload: { name: 'actions' } });
    for (const [index, action] of actions.entries()) {
      if (ctx.closed) return;
      target.beginAction?.(index);
      recorder.record({ actor: 'runner', kind: 'action', payload: { index, text: describeAction(action, setup.agentNames) } });
      outcomes.push(await executeAction(ctx, action));
    }
    target.beginAction?.(actions.length);
    if (settled()) return;
    recorder.record({ actor: 'runner', kind: 'phase', payload: { name: 'quiesce' } });
    await quiesce(ctx, janitorId, setup.capabilityPool, { settled, awaitAcceptance: setup.timersMatter ?? true });
    if (ctx.closed || cutShort) return;
    recorder.record({ actor: 'runner', kind: 'phase', payload: { name: 'snapshot' } });
    await takeSnapshot(ctx);
  };

  let timedOut = false;
  let error: string | undefined;
  let hubDown: HubDown | undefined;
  try {
    await withDeadline(clock, untilAborted(play(), setup.signal), setup.timeoutPerRunMs, 'the run');
  } catch (caught) {
    if (caught instanceof RunTimeout) timedOut = true;
    else if (!(caught instanceof RunInterrupted) && !hubFailed(caught)) error = caught instanceof Error ? (caught.stack ?? caught.message) : String(caught);
  } finally {
    if (error === undefined && !setup.signal?.aborted) hubDown = await askHealth(ctx);
    recorder.record({ actor: 'runner', kind: 'phase', payload: { name: 'teardown' } });
    await withDeadline(
      clock,
      (async () => {
        await ctx.dispose();
        await target.dispose();
      })(),
      TEARDOWN_DEADLINE_MS,
      'teardown',
    );
  }
  // Taken now, labels and all: a trace read later would keep the whole simulated world alive as long as the result,
  // and the garbage collector then promoted five times as much (a fifth more CPU per run).
  const trace = target.trace?.() ?? [];
  return {
    history: recorder.snapshot(),
    outcomes,
    timedOut,
    trace,
    cutShort,
    ...(error === undefined ? {} : { error }),
    ...(hubDown === undefined ? {} : { hubDown }),
  };
}

/** Whatever the run did, the hub must still answer once it is over; the question goes into the history as evidence. */
async function askHealth(ctx: RunContext): Promise<HubDown | undefined> {
  try {
    await ctx.client.health();
    return undefined;
  } catch (caught) {
    const history = ctx.recorder.snapshot();
    const asked = history.filter((event) => event.kind === 'http' && event.payload.path === '/health').at(-1);
    const reason = caught instanceof HubUnreachableError ? caught.reason : caught instanceof Error ? caught.message : String(caught);
    return { healthSeq: asked?.seq ?? history.length - 1, reason };
  }
}
