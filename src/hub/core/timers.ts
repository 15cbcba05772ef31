import { CLOSE_PROTOCOL_ERROR } from './sessions.js';
import { isCurrentAssignment, reclaim } from './reclaim.js';
import { schedulePass } from './scheduler.js';
import type { TimerSpec } from './state.js';
import type { Step } from './step.js';
import type { Task } from './task.js';

export function startSweeps(step: Step): void {
  step.setTimer({ kind: 'overdue_sweep', dueAt: step.now + step.env.timers.overdueSweepMs });
  step.setTimer({ kind: 'stuck_sweep', dueAt: step.now + step.env.timers.stuckSweepMs });
}

/**
 * Reclaims every task the predicate picks, each fenced to the assignment it
 * had when the sweep started, so a task reassigned during the sweep is left alone.
 */
function sweep(step: Step, picks: (task: Task) => boolean, details: 'agent_disconnect' | 'overdue'): void {
  const due = [...step.state.tasks.values()]
    .filter((task) => task.status === 'assigned' && task.assigned_to !== null && picks(task))
    .map((task) => ({ task, assignment: { agentId: task.assigned_to ?? '', generation: task.generation } }));
  for (const { task, assignment } of due) reclaim(step, task, assignment, details);
}

function acceptanceExpired(step: Step, timer: Extract<TimerSpec, { kind: 'acceptance' }>): void {
  const agent = step.state.agents.get(timer.agentId);
  const task = step.state.tasks.get(timer.taskId);
  if (agent === undefined || task === undefined || agent.acceptanceTimer !== timer.id) return;
  agent.acceptanceTimer = null;
  const assignment = { agentId: timer.agentId, generation: timer.generation };
  if (agent.fsm !== 'assigned' || agent.holding?.generation !== timer.generation) return;
  if (!isCurrentAssignment(task, assignment)) return;
  agent.flags.add('unresponsive');
  reclaim(step, task, assignment, 'agent_disconnect');
}

function idleCheck(step: Step, connId: number): void {
  const conn = step.state.conns.get(connId);
  if (conn === undefined || conn.closing) return;
  const quietSince = conn.lastActivity;
  if (step.now - quietSince >= step.env.timers.wsIdleMs) {
    step.close(connId, CLOSE_PROTOCOL_ERROR, 'idle_timeout');
    return;
  }
  conn.idleTimer = step.setTimer({ kind: 'ws_idle', dueAt: quietSince + step.env.timers.wsIdleMs, connId });
}

export function timerFired(step: Step, timerId: string): void {
  const timer = step.state.timers.get(timerId);
  if (timer === undefined) return;
  step.state.timers.delete(timerId);
  const { timers } = step.env;
  switch (timer.kind) {
    case 'acceptance':
      return acceptanceExpired(step, timer);
    case 'overdue_sweep':
      sweep(step, (task) => task.complete_by !== null && task.complete_by < step.now, 'overdue');
      step.setTimer({ kind: 'overdue_sweep', dueAt: step.now + timers.overdueSweepMs });
      return;
    case 'stuck_sweep':
      sweep(step, (task) => task.updated_at < step.now - timers.stuckThresholdMs, 'agent_disconnect');
      step.setTimer({ kind: 'stuck_sweep', dueAt: step.now + timers.stuckSweepMs });
      return;
    case 'ws_idle':
      return idleCheck(step, timer.connId);
    case 'scheduling_sweep':
      return schedulePass(step, 'sweep');
  }
}
