import { acceptanceBound, overdueBound, stuckBound } from '../bounds.js';
import type { Model } from '../model.js';
import { lastRestartBefore, outageDuring } from '../outages.js';
import type { Assignment, TaskRecord, View } from '../tasks.js';
import { at, violation, type Violation } from './catalog.js';

const sentAt = (view: View): number => view.event.payload.sentAt;

/** An assignment never accepted is reclaimed an acceptance timeout after it began, or after the agent's latest identify. */
function unaccepted(model: Model, task: TaskRecord, assignment: Assignment): Violation | undefined {
  const agent = model.agents.get(assignment.agentId);
  if (agent === undefined) return undefined;
  const bound = acceptanceBound(model.timers);
  const began = assignment.push?.event.t ?? assignment.firstSeen;
  for (const view of assignment.views) {
    const accepted = task.reports.some(
      (r) => r.kind === 'accept' && r.agentId === assignment.agentId && r.outcome !== 'rejected' && r.exchange.send.t < view.event.t,
    );
    if (accepted) return undefined;
    const timerStart = Math.max(began, ...agent.sessions.filter((s) => s.start <= sentAt(view)).map((s) => s.start));
    if (sentAt(view) <= timerStart + bound) continue;
    if (outageDuring(model.outages, assignment.firstSeen, sentAt(view)) !== undefined) continue;
    return violation(
      'I7',
      `task ${task.id} was still assigned to ${assignment.agentId} at generation ${assignment.generation} at ${at(sentAt(view))}, ` +
        `never accepted, ${Math.round(sentAt(view) - timerStart)} ms after its acceptance timer started (bound ${bound} ms)`,
      [assignment.firstSeq, view.event.seq],
    );
  }
  return undefined;
}

/** Past `complete_by`, the overdue sweep reclaims an assignment within one sweep period. */
function overdue(model: Model, task: TaskRecord, assignment: Assignment): Violation | undefined {
  const completeBy = task.submission.completeBy;
  if (completeBy === null) return undefined;
  const due = model.clock.toHistory(completeBy).latest;
  const bound = overdueBound(model.timers);
  for (const view of assignment.views) {
    const from = Math.max(due, assignment.firstSeen, lastRestartBefore(model.outages, sentAt(view)));
    if (sentAt(view) <= from + bound) continue;
    return violation(
      'I7',
      `task ${task.id} (complete_by ${completeBy}, ${at(due)}) was still assigned to ${assignment.agentId} ` +
        `at generation ${assignment.generation} at ${at(sentAt(view))} (bound ${bound} ms after it was overdue and assigned)`,
      [task.submission.event.seq, assignment.firstSeq, view.event.seq],
    );
  }
  return undefined;
}

/** An assigned task untouched for the stuck threshold is reclaimed within one stuck sweep. */
function stuck(model: Model, task: TaskRecord): Violation | undefined {
  const bound = stuckBound(model.timers);
  for (const view of task.views) {
    const updatedAt = view.task.updated_at;
    if (view.task.status !== 'assigned' || typeof updatedAt !== 'number') continue;
    const requested = model.clock.toHub(sentAt(view)).earliest;
    const restart = lastRestartBefore(model.outages, sentAt(view));
    const sweepsSince = Math.max(updatedAt, restart === -Infinity ? -Infinity : model.clock.toHub(restart).latest - model.timers.stuckThresholdMs);
    if (requested <= sweepsSince + bound) continue;
    return violation(
      'I7',
      `task ${task.id} was still assigned to ${view.task.assigned_to} at generation ${view.task.generation} at ${at(sentAt(view))}, ` +
        `untouched since updated_at ${updatedAt} (${Math.round(requested - updatedAt)} ms; bound ${bound} ms)`,
      [view.event.seq],
    );
  }
  return undefined;
}

/** I7: unaccepted, overdue and stuck assignments are reclaimed within their timers. */
export function reclaim(model: Model): Violation[] {
  const out: Violation[] = [];
  for (const task of model.tasks.values()) {
    for (const assignment of task.assignments) {
      if (!model.ourAgents.has(assignment.agentId)) continue;
      for (const found of [unaccepted(model, task, assignment), overdue(model, task, assignment)]) if (found) out.push(found);
    }
    const found = stuck(model, task);
    if (found) out.push(found);
  }
  return out;
}
