import { receivedFrame } from '../../models/frames.js';
import type { HistoryEvent } from '../../models/history.js';
import type { Action, StaleGeneration } from '../actions/action.js';
import type { SimAgent } from '../agents/sim-agent.js';
import { sleep } from '../env/clock.js';
import { DONE, skipped, type ActionOutcome } from './action-outcome.js';
import { sendAndAwaitReply } from './await-reply.js';
import { executeHostile } from './execute-hostile.js';
import type { RunContext } from './run-context.js';

export type { ActionOutcome };

function staleGenerationValue(current: number, kind: StaleGeneration): unknown {
  switch (kind) {
    case 'minus-one':
      return current - 1;
    case 'plus-one':
      return current + 1;
    case 'zero':
      return 0;
    case 'missing':
      return undefined;
    case 'as-string':
      return String(current);
  }
}

/** A completion or failure frame built by hand, so a missing generation really is missing. */
function outcomeFrame(op: 'complete' | 'fail', taskId: string, generation: unknown, why: string): object {
  const fenced = generation === undefined ? {} : { generation };
  return op === 'complete'
    ? { type: 'task_complete', task_id: taskId, ...fenced, result: { output: why }, tokens_used: 1 }
    : { type: 'task_failed', task_id: taskId, ...fenced, error: why };
}

function completeByValue(kind: 'none' | 'past' | 'near', now: number): number | null {
  if (kind === 'past') return now - 1_000;
  if (kind === 'near') return now + 300;
  return null;
}

function liveAgent(ctx: RunContext, index: number): SimAgent | undefined {
  const agent = ctx.agents.get(ctx.agentId(index));
  return agent?.connected ? agent : undefined;
}

function isDeadLetterAck(event: HistoryEvent): boolean {
  const frame = receivedFrame(event);
  return frame?.type === 'task_ack' && frame.status === 'dead_letter';
}

/** The oldest of our dead-lettered tasks; if none yet, waits briefly for a failure to put one there. */
async function deadLetteredTask(ctx: RunContext): Promise<string | undefined> {
  const { clock } = ctx.env;
  const deadline = clock.monotonicNow() + ctx.subjectWaitMs;
  for (;;) {
    const dead = await ctx.client.deadLetter().catch(() => undefined);
    const ours = dead?.tasks.find((task) => ctx.submitted.includes(task.id));
    if (ours) return ours.id;
    const seen = ctx.recorder.length;
    while (!ctx.recorder.snapshot().slice(seen).some(isDeadLetterAck)) {
      const left = deadline - clock.monotonicNow();
      if (left <= 0 || ctx.closed) return undefined;
      await ctx.nextEventOrTimeout(left);
    }
  }
}

/** Play one action against the run's hub. Never throws for the hub's answers: they are history. */
export async function executeAction(ctx: RunContext, action: Action): Promise<ActionOutcome> {
  switch (action.kind) {
    case 'connect': {
      const id = ctx.agentId(action.agent);
      if (ctx.agents.get(id)?.connected) return skipped(`${id} is already connected`);
      ctx.agents.get(id)?.dispose();
      const agent = await ctx.newAgent(id, action.capabilities, action.behaviour);
      ctx.agents.set(id, agent);
      await agent.start().catch(() => undefined);
      return DONE;
    }
    case 'identify-bad-token': {
      const id = ctx.agentId(action.agent);
      const otherId = ctx.agentIds.find((other) => other !== id);
      if (action.token === 'other-agent' && otherId === undefined) return skipped('no other agent id');
      const token = action.token === 'wrong' ? ctx.unknownToken() : await ctx.tokenFor(otherId as string);
      const stray = await ctx.newAgent(id, [], 'ignore');
      ctx.strays.add(stray);
      await stray.connect().catch(() => undefined);
      if (stray.connected) await stray.identify({ token }).catch(() => undefined);
      await stray.close().catch(() => undefined);
      return DONE;
    }
    case 'set-behaviour': {
      const agent = ctx.agents.get(ctx.agentId(action.agent));
      if (!agent) return skipped('agent never connected');
      agent.setBehaviour(action.behaviour);
      return DONE;
    }
    case 'accept-late':
    case 'progress':
    case 'recover':
      return heldTaskAction(ctx, action);
    case 'stale-generation': {
      const agent = await ctx.agentHoldingATask();
      const held = agent?.held;
      if (!agent || !held) return skipped('no agent holds a task');
      if (!agent.connected) return CLOSED_WHILE_WAITING;
      const frame = outcomeFrame(action.op, held.taskId, staleGenerationValue(held.generation, action.generation), 'stale');
      await sendAndAwaitReply(agent, () => agent.send(frame), `reply to task_${action.op} with a stale generation`);
      return DONE;
    }
    case 'kill': {
      const agent = liveAgent(ctx, action.agent);
      if (!agent) return skipped('not connected');
      agent.killConnection();
      return DONE;
    }
    case 'close': {
      const agent = liveAgent(ctx, action.agent);
      if (!agent) return skipped('not connected');
      await agent.close().catch(() => undefined);
      return DONE;
    }
    case 'reconnect': {
      const agent = ctx.agents.get(ctx.agentId(action.agent));
      if (!agent) return skipped('agent never connected');
      await agent.reconnect({ keepOld: action.keepOld }).catch(() => undefined);
      return DONE;
    }
    case 'foreign-task': {
      const holder = await ctx.agentHoldingATask();
      const held = holder?.held;
      if (!held) return skipped('no agent holds a task');
      const agent = ctx.liveAgents().find((other) => other !== holder);
      if (!agent) return skipped('no other agent is connected');
      const frame = outcomeFrame(action.op, held.taskId, held.generation, 'foreign');
      await sendAndAwaitReply(agent, () => agent.send(frame), `reply to foreign task_${action.op}`);
      return DONE;
    }
    case 'submit': {
      const body = {
        description: `fuzz task ${ctx.submitted.length + 1}`,
        priority: action.priority === 'unknown-name' ? 'someday' : action.priority,
        needed_capabilities: ctx.isolate(action.capabilities),
        max_retries: action.maxRetries,
        complete_by: completeByValue(action.completeBy, ctx.env.clock.now()),
        metadata: { run_task: ctx.submitted.length + 1 },
      };
      const answer = await ctx.client.submitTask(body).catch(() => undefined);
      if (answer) {
        ctx.submitted.push(answer.task_id);
        ctx.needs.set(answer.task_id, body.needed_capabilities);
      }
      return DONE;
    }
    case 'retry-dead-letter': {
      const dead = await deadLetteredTask(ctx);
      if (!dead) return skipped('no dead-lettered task');
      await ctx.client.retryTask(dead).catch(() => undefined);
      return DONE;
    }
    case 'observe':
      await observe(ctx, action.view).catch(() => undefined);
      return DONE;
    case 'wait':
      await sleep(ctx.env.clock, action.ms);
      return DONE;
    case 'delay-link':
    case 'drop-link':
    case 'half-open':
      return networkFault(ctx, action);
    case 'restart-hub':
      if (!ctx.target.canRestart) return skipped('this target cannot be restarted');
      ctx.recorder.record({ actor: 'hub', kind: 'hub', payload: { event: 'restart_begin', crash: action.crash } });
      try {
        await ctx.target.restart(action.crash);
      } catch (error) {
        // A hub that cannot start on its own data is a finding for the model, not a runner failure.
        const message = error instanceof Error ? error.message : String(error);
        ctx.recorder.record({ actor: 'hub', kind: 'hub', payload: { event: 'restart_failed', crash: action.crash, error: message } });
        return DONE;
      }
      ctx.recorder.record({ actor: 'hub', kind: 'hub', payload: { event: 'restart_end', crash: action.crash } });
      return DONE;
    case 'hostile-http':
    case 'hostile-ws':
      return executeHostile(ctx, action);
  }
}

/** Bends the agent's link in the simulated network; the agent itself sees only what a real one would. */
function networkFault(ctx: RunContext, action: Extract<Action, { kind: 'delay-link' | 'drop-link' | 'half-open' }>): ActionOutcome {
  const network = ctx.target.network;
  if (network === undefined) return skipped('only a simulated network can be bent');
  const agent = liveAgent(ctx, action.agent);
  const conn = agent?.connectionId;
  if (agent === undefined || conn === undefined) return skipped('not connected');
  if (action.kind === 'delay-link') {
    network.delay(conn, action.ms);
    return DONE;
  }
  if (action.kind === 'drop-link') network.loseInFlight(conn);
  else network.silence(conn);
  agent.killConnection();
  return DONE;
}

/** Its connection ended between finding the task and sending about it. */
const CLOSED_WHILE_WAITING = skipped('the connection closed while it waited for a task');

async function heldTaskAction(
  ctx: RunContext,
  action: Extract<Action, { kind: 'accept-late' | 'progress' | 'recover' }>,
): Promise<ActionOutcome> {
  const agent = liveAgent(ctx, action.agent);
  if (!agent) return skipped('not connected');
  if (action.kind === 'recover' && action.task === 'not-held') {
    const other = ctx.submitted.find((id) => id !== agent.held?.taskId) ?? 'task-0000000000000000';
    await sendAndAwaitReply(agent, () => agent.recover(other), 'reply to task_recovering');
    return DONE;
  }
  const held = (await ctx.holding(agent))?.held;
  if (!held) return skipped('holds no task');
  if (!agent.connected) return CLOSED_WHILE_WAITING;
  switch (action.kind) {
    case 'accept-late':
      await sendAndAwaitReply(agent, () => agent.accept(held.taskId), 'reply to task_accepted');
      return DONE;
    case 'progress':
      agent.progress(held.taskId);
      return DONE;
    case 'recover':
      await sendAndAwaitReply(agent, () => agent.recover(held.taskId), 'reply to task_recovering');
      return DONE;
  }
}

async function observe(ctx: RunContext, view: Extract<Action, { kind: 'observe' }>['view']): Promise<void> {
  switch (view) {
    case 'tasks':
      await ctx.client.listTasks();
      return;
    case 'task': {
      const last = ctx.submitted.at(-1);
      if (last) await ctx.client.getTask(last);
      return;
    }
    case 'stats':
      await ctx.client.stats();
      return;
    case 'dead-letter':
      await ctx.client.deadLetter();
      return;
    case 'agents':
      await ctx.client.agentStates();
      return;
  }
}
