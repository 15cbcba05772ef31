import { holdersOf, releaseAndSchedule } from './agents.js';
import { schedulePass } from './scheduler.js';
import type { Step } from './step.js';
import { recordHistory, type Task } from './task.js';

/** The assignment a reclaim is about; a reclaim never touches a later one. */
export interface Assignment {
  agentId: string;
  generation: number;
}

export function isCurrentAssignment(task: Task, assignment: Assignment): boolean {
  return task.status === 'assigned' && task.assigned_to === assignment.agentId && task.generation === assignment.generation;
}

/**
 * Takes the task back into the queue if it is still in the given assignment.
 * Returns whether it did.
 */
export function reclaim(step: Step, task: Task, assignment: Assignment, details: 'agent_disconnect' | 'overdue'): boolean {
  if (!isCurrentAssignment(task, assignment)) return false;
  if (!step.faults.has('reclaim-keeps-generation')) task.generation += 1;
  task.status = 'queued';
  task.assigned_to = null;
  task.assigned_at = null;
  task.updated_at = step.now;
  recordHistory(task, 'reclaimed', step.now, details);
  step.touch(task);
  const holders = holdersOf(step, task.id).filter((agent) => agent.agentId === assignment.agentId);
  if (step.faults.has('double-assign')) {
    schedulePass(step);
    return true;
  }
  releaseAndSchedule(step, holders);
  return true;
}
