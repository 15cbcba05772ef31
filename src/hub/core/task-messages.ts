import { holdersOf, releaseAndSchedule } from './agents.js';
import type { FollowUp } from './events.js';
import { isJsonObject, type JsonObject } from './json.js';
import type { AgentSession } from './state.js';
import type { Step } from './step.js';
import { recordHistory, type Task } from './task.js';

/** What a crashed socket process closes with (fault `result-crashes-socket` only). */
const CLOSE_INTERNAL_ERROR = 1011;

/** Passed as the expected generation when the caller's generation is not checked. */
const UNFENCED = Symbol('unfenced');

type Check =
  | { ok: true; task: Task }
  | { ok: false; reason: 'not_found' | 'invalid_state' | 'not_assignee' | 'stale_generation' };

/** Only the equal integer matches; a missing generation is 0, which no assignment has. */
function generationMatches(given: unknown, current: number): boolean {
  return given === current && current !== 0;
}

/**
 * May this agent act on this task as its assignee? Fencing compares against
 * the assignment the agent holds, which is the task's current one unless a
 * fault let them drift apart.
 */
function checkAssignment(
  step: Step,
  agent: AgentSession,
  taskId: unknown,
  generation: unknown,
  anyAgent = false,
): Check {
  const task = typeof taskId === 'string' ? step.state.tasks.get(taskId) : undefined;
  if (task === undefined || task.status === 'dead_letter') return { ok: false, reason: 'not_found' };
  const fenced = generation !== UNFENCED;
  if (agent.holding?.taskId === task.id) {
    if (fenced && !generationMatches(generation, agent.holding.generation)) return { ok: false, reason: 'stale_generation' };
    return { ok: true, task };
  }
  if (task.status !== 'assigned') return { ok: false, reason: 'invalid_state' };
  if (anyAgent) {
    if (fenced && !generationMatches(generation, task.generation)) return { ok: false, reason: 'stale_generation' };
    return { ok: true, task };
  }
  return { ok: false, reason: 'not_assignee' };
}

/** Who sent a task message: replies go back on the socket it came from. */
export interface Caller {
  agent: AgentSession;
  connId: number;
}

function sendError(step: Step, caller: Caller, error: string): void {
  step.send(caller.connId, { type: 'error', error });
}

/** How long a hub with `stall-after-dead-letter` answers nothing after dead-lettering a task. */
const DEAD_LETTER_STALL_MS = 30_000;

export function acceptTask(step: Step, caller: Caller, msg: JsonObject): void {
  const { agent } = caller;
  const check = checkAssignment(step, agent, msg.task_id, UNFENCED);
  if (!check.ok) return sendError(step, caller, `task_accept_failed: ${check.reason}`);
  const { task } = check;
  step.cancelTimer(agent.acceptanceTimer);
  agent.acceptanceTimer = null;
  agent.fsm = 'working';
  agent.transitioned = true;
  task.updated_at = step.now;
  step.touch(task);
  step.send(caller.connId, { type: 'task_ack', task_id: task.id, status: 'accepted' });
}

export function recordProgress(step: Step, caller: Caller, msg: JsonObject): void {
  if (step.faults.has('progress-crashes-hub')) return step.crash();
  const { agent } = caller;
  const check = checkAssignment(step, agent, msg.task_id, UNFENCED);
  if (!check.ok) return;
  check.task.updated_at = step.now;
  step.touch(check.task);
}

export function completeTask(step: Step, caller: Caller, msg: JsonObject): void {
  const { agent } = caller;
  if (msg.result !== undefined && !isJsonObject(msg.result)) {
    if (step.faults.has('result-crashes-socket')) return step.close(caller.connId, CLOSE_INTERNAL_ERROR, 'internal_error');
    return sendError(step, caller, 'task_complete_failed: invalid_result');
  }
  const generation = step.faults.has('unfenced-complete') ? UNFENCED : msg.generation;
  const check = checkAssignment(step, agent, msg.task_id, generation, step.faults.has('any-agent-complete'));
  if (!check.ok) return sendError(step, caller, `task_complete_failed: ${check.reason}`);
  const { task } = check;
  const tokensUsed = typeof msg.tokens_used === 'number' && Number.isFinite(msg.tokens_used) ? msg.tokens_used : null;
  const work = { kind: 'apply_completion', connId: caller.connId, taskId: task.id, result: msg.result ?? {}, tokensUsed } as const;
  if (step.faults.has('complete-check-then-act')) return step.followUp(work);
  applyCompletion(step, work);
}

/** The write half of a completion, whose check is done: with the fault, a separate later event that does not check again. */
export function applyCompletion(step: Step, work: FollowUp): void {
  const task = step.state.tasks.get(work.taskId);
  if (task === undefined) return;
  task.status = 'completed';
  task.result = work.result;
  task.tokens_used = work.tokensUsed;
  task.updated_at = step.now;
  recordHistory(task, 'completed', step.now, { tokens_used: work.tokensUsed });
  step.touch(task);
  step.send(work.connId, { type: 'task_ack', task_id: task.id, status: 'complete' });
  releaseAndSchedule(step, holdersOf(step, task.id));
}

function failureText(msg: JsonObject): string | null {
  if (typeof msg.error === 'string') return msg.error;
  if (typeof msg.reason === 'string') return msg.reason;
  return null;
}

export function failTask(step: Step, caller: Caller, msg: JsonObject): void {
  const { agent } = caller;
  const check = checkAssignment(step, agent, msg.task_id, msg.generation);
  if (!check.ok) return sendError(step, caller, `task_fail_failed: ${check.reason}`);
  const { task } = check;
  if (step.faults.has('fail-report-drops-task')) {
    step.state.tasks.delete(task.id);
    return releaseAndSchedule(step, holdersOf(step, task.id));
  }
  const failedAssignment = { agent_id: agent.agentId, generation: task.generation };
  const limit = step.faults.has('retry-off-by-one') ? task.max_retries + 1 : task.max_retries;
  task.retry_count += 1;
  task.last_error = failureText(msg);
  task.updated_at = step.now;
  let status: 'retried' | 'dead_letter';
  if (task.retry_count >= limit) {
    task.status = 'dead_letter';
    recordHistory(task, 'dead_letter', step.now, failedAssignment);
    status = 'dead_letter';
    if (step.faults.has('stall-after-dead-letter')) step.stall(DEAD_LETTER_STALL_MS);
  } else {
    task.generation += 1;
    task.status = 'queued';
    task.assigned_to = null;
    task.assigned_at = null;
    recordHistory(task, 'failed', step.now, failedAssignment);
    status = 'retried';
  }
  step.touch(task);
  step.send(caller.connId, { type: 'task_ack', task_id: task.id, status });
  releaseAndSchedule(step, holdersOf(step, task.id));
}

export function recoverTask(step: Step, caller: Caller, msg: JsonObject): void {
  const { agent } = caller;
  const task = typeof msg.task_id === 'string' ? step.state.tasks.get(msg.task_id) : undefined;
  if (task !== undefined && task.status === 'assigned' && task.assigned_to === agent.agentId) {
    step.send(caller.connId, { type: 'task_continue', task_id: task.id, generation: task.generation });
    return;
  }
  step.send(caller.connId, { type: 'task_reassign', task_id: msg.task_id });
}
