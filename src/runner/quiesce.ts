import type { TimerSettings } from '../../models/history.js';
import type { Behaviour } from '../agents/sim-agent.js';
import { sleep } from '../env/clock.js';
import { REORDER_WINDOW_MS } from '../sim/scheduler.js';
import { REACTION_SLACK_MS } from '../../models/bounds.js';
import { terminalByFrames } from './ended-tasks.js';
import type { RunContext } from './run-context.js';

const HTTP_RECHECK_MS = 100;
/** Room for the janitor to connect and for the last completions to travel. */
const QUIESCE_SLACK_MS = 500;
/**
 * Long enough for what the last action set in motion (a push, its accept, a
 * completion) to cross the link: a few ms on loopback, where every run pays
 * it; in simulation, where waiting is free, longer than the reorder window,
 * so the end of this wait is never a choice among what it waits for.
 */
const IN_FLIGHT_MS = { sim: REORDER_WINDOW_MS + 5, network: 5 } as const;
const SIM_SLACK_MARGIN_MS = 100;
/** Past an acceptance timeout, how long the hub gets to act on it before we look (the model allows 500 ms). */
const ACCEPTANCE_SETTLE_MS = 600;

/**
 * The longest a healthy hub can need to finish every task once every agent
 * completes: a task may sit out an acceptance timeout, then be found stuck
 * only at the sweep after the stuck threshold.
 */
export function quiesceDeadlineMs(timers: TimerSettings): number {
  return timers.acceptanceMs + timers.stuckThresholdMs + 2 * Math.max(timers.overdueSweepMs, timers.stuckSweepMs) + QUIESCE_SLACK_MS;
}

async function allTerminalByHttp(ctx: RunContext): Promise<boolean> {
  const [list, dead] = await Promise.all([ctx.client.listTasks(), ctx.client.deadLetter()]);
  const terminal = new Set([
    ...list.tasks.filter((task) => task.status === 'completed').map((task) => task.id),
    ...dead.tasks.map((task) => task.id),
  ]);
  return ctx.submitted.every((id) => terminal.has(id));
}

/**
 * Our tasks the hub still has assigned to an agent id none of our live agents
 * speaks for: after the in-flight wait, a correct hub has reclaimed those.
 */
async function assignedToTheGone(ctx: RunContext): Promise<boolean> {
  const listed = await ctx.client.listTasks().catch(() => undefined);
  if (listed === undefined) return false;
  const ours = new Set(ctx.submitted);
  const live = new Set(ctx.liveAgents().map((agent) => agent.agentId));
  return listed.tasks.some((task) => ours.has(task.id) && task.status === 'assigned' && task.assigned_to != null && !live.has(task.assigned_to));
}

/**
 * Before anyone steps in, work no agent will accept is left alone until the
 * hub's acceptance timer must have fired, and the hub is asked what it did:
 * a task an agent sits on without accepting it, or one the hub still has on
 * an agent whose connection is gone. Otherwise the quiesce itself would
 * rescue a hub that never reclaims such work (the stalled agent would just
 * finish the task, or the janitor would take it once a sweep freed it).
 */
async function letAcceptanceTimersFire(ctx: RunContext): Promise<void> {
  const pushedAt = ctx.liveAgents().flatMap((agent) => {
    const held = agent.held;
    if (held === null || held.accepted) return [];
    const push = agent.receivedTasks.filter((task) => task.taskId === held.taskId).at(-1);
    return push === undefined ? [] : [push.receivedAt];
  });
  // When it was pushed is the hub's to know; from now is the latest it can have been.
  if (await assignedToTheGone(ctx)) pushedAt.push(ctx.env.clock.now());
  if (pushedAt.length === 0) return;
  const wait = Math.max(...pushedAt) + ctx.target.timers.acceptanceMs + ACCEPTANCE_SETTLE_MS - ctx.env.clock.now();
  if (wait > 0) await sleep(ctx.env.clock, wait);
  await ctx.client.listTasks().catch(() => undefined);
}

function playsOut(behaviour: Behaviour): boolean {
  return behaviour === 'ignore' || behaviour === 'complete-and-crash';
}

/**
 * Let the system settle: every live agent completes what it holds, a janitor
 * agent able to take any task joins, and we wait (on events, then on the
 * hub's own word) until every task we submitted is terminal or the deadline
 * passes. Judging whether that happened is the model's business.
 */
export interface QuiesceOptions {
  /** Asked after every step: true ends the quiesce there. */
  settled: () => boolean;
  /** Leave unaccepted work alone until the hub's acceptance timer must have fired (off only when no verdict sought depends on it). */
  awaitAcceptance: boolean;
}

export async function quiesce(
  ctx: RunContext,
  janitorId: string,
  capabilityPool: readonly string[],
  { settled, awaitAcceptance }: QuiesceOptions = { settled: () => false, awaitAcceptance: true },
): Promise<void> {
  const started = ctx.env.clock.monotonicNow();
  await driveToTerminal(ctx, janitorId, capabilityPool, settled, awaitAcceptance);
  if (settled()) return;
  // Where waiting is free, the run outlasts the model's reaction slack, so what the hub owes by then
  // (closing a replaced session, say) is owed within the run and not cut off by its end.
  const left = started + REACTION_SLACK_MS + SIM_SLACK_MARGIN_MS - ctx.env.clock.monotonicNow();
  if (ctx.mode === 'sim' && !ctx.closed && left > 0) await sleep(ctx.env.clock, left);
}

async function driveToTerminal(
  ctx: RunContext,
  janitorId: string,
  capabilityPool: readonly string[],
  settled: () => boolean,
  awaitAcceptance: boolean,
): Promise<void> {
  await sleep(ctx.env.clock, IN_FLIGHT_MS[ctx.mode]);
  if (settled()) return;
  // The pushes the last actions set in motion land before anyone steps in, and meet each agent as it was told to
  // behave: whether a failing agent's last push arrived before the run's actions ended must not decide a verdict.
  await ctx.pushesDelivered();
  if (settled()) return;
  // Failing or slow agents would only keep work from ending, so they finish it from now on; one that sits on its
  // work or crashes after reporting plays out what is in flight first, since what the hub does then is the point.
  for (const agent of ctx.liveAgents()) if (!playsOut(agent.behaviour)) agent.setBehaviour('complete');
  if (awaitAcceptance) await letAcceptanceTimersFire(ctx);
  if (settled()) return;
  for (const agent of ctx.liveAgents()) agent.setBehaviour('complete');
  const janitor = await ctx.newAgent(janitorId, [...capabilityPool], 'complete');
  ctx.agents.set(janitorId, janitor);
  await janitor.start().catch(() => undefined);

  const now = (): number => ctx.env.clock.monotonicNow();
  const deadline = now() + quiesceDeadlineMs(ctx.target.timers);
  while (!ctx.closed && now() < deadline && !settled()) {
    // Frames tell us early when all is done; the hub's lists are the final word,
    // and are asked now and then anyway, since an ack can die with its socket.
    const askHubAt = Math.min(now() + HTTP_RECHECK_MS * 3, deadline);
    while (!ctx.closed && now() < askHubAt) {
      const terminal = terminalByFrames(ctx.recorder.snapshot());
      if (ctx.submitted.every((id) => terminal.has(id))) break;
      await ctx.nextEventOrTimeout(askHubAt - now());
    }
    if (await allTerminalByHttp(ctx).catch(() => false)) return;
    await ctx.nextEventOrTimeout(Math.min(HTTP_RECHECK_MS, deadline - now()));
  }
}

/** The final HTTP views the model compares with what the agents saw. */
export async function takeSnapshot(ctx: RunContext): Promise<void> {
  await Promise.allSettled([
    ctx.client.listTasks(),
    ctx.client.deadLetter(),
    ctx.client.stats(),
    ctx.client.agentStates(),
  ]);
}
