import type { HistoryEvent } from '../../models/history.js';
import { describeAction, type Action } from '../actions/action.js';
import { HistoryRecorder } from '../history/recorder.js';
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
}

export interface RunResult {
  history: readonly HistoryEvent[];
  outcomes: ActionOutcome[];
  /** The run hit its deadline; what was recorded until then is still judged. */
  timedOut: boolean;
  /** The runner itself failed (not the hub); the run cannot be judged. */
  error?: string;
}

const TEARDOWN_DEADLINE_MS = 10_000;

class RunTimeout extends Error {}

function withDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new RunTimeout(`${what} did not finish within ${ms} ms`)), ms);
  });
  // Whatever the loser does later must not surface as an unhandled rejection.
  work.catch(() => undefined);
  return Promise.race([work, expired]).finally(() => clearTimeout(timer));
}

/**
 * Play one action sequence against a fresh target, then quiesce and snapshot.
 * Records everything; judges nothing. Always closes what it opened.
 */
export async function runOnce(setup: RunSetup, actions: readonly Action[]): Promise<RunResult> {
  const recorder = new HistoryRecorder();
  const target = await setup.targets.open();
  const agentIds = setup.agentNames.map((name) => target.namespace + name);
  const janitorId = target.namespace + setup.janitorName;
  const capabilityPool = [...setup.capabilityPool, ...(target.isolationCapability ? [target.isolationCapability] : [])];
  const ctx = new RunContext(target, recorder, agentIds);
  const outcomes: ActionOutcome[] = [];
  let stopped = false;
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
      wallClockOrigin: Date.now() - recorder.now(),
      faults: [...setup.targets.faults],
    },
  });

  const play = async (): Promise<void> => {
    recorder.record({ actor: 'runner', kind: 'phase', payload: { name: 'actions' } });
    for (const [index, action] of actions.entries()) {
      if (stopped) return;
      recorder.record({ actor: 'runner', kind: 'action', payload: { index, text: describeAction(action, setup.agentNames) } });
      outcomes.push(await executeAction(ctx, action));
    }
    recorder.record({ actor: 'runner', kind: 'phase', payload: { name: 'quiesce' } });
    await quiesce(ctx, janitorId, setup.capabilityPool);
    recorder.record({ actor: 'runner', kind: 'phase', payload: { name: 'snapshot' } });
    await takeSnapshot(ctx);
  };

  let timedOut = false;
  let error: string | undefined;
  try {
    await withDeadline(play(), setup.timeoutPerRunMs, 'the run');
  } catch (caught) {
    stopped = true;
    if (caught instanceof RunTimeout) timedOut = true;
    else error = caught instanceof Error ? (caught.stack ?? caught.message) : String(caught);
  } finally {
    recorder.record({ actor: 'runner', kind: 'phase', payload: { name: 'teardown' } });
    await withDeadline(
      (async () => {
        await ctx.dispose();
        await target.dispose();
      })(),
      TEARDOWN_DEADLINE_MS,
      'teardown',
    );
  }
  return { history: recorder.snapshot(), outcomes, timedOut, ...(error === undefined ? {} : { error }) };
}
