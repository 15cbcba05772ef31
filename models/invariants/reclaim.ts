import { acceptanceBound, overdueBound, stuckBound } from '../bounds.js';
import type { Session } from '../agents.js';
import type { Model } from '../model.js';
import { lastRestartBefore, outageDuring } from '../outages.js';
import { assignmentBegan, type Assignment, type Report, type TaskRecord, type View } from '../tasks.js';
import { at, violation, type Violation } from './catalog.js';

const sentAt = (view: View): number => view.event.payload.sentAt;

/**
 * Whether the hub may have taken this accept for the assignment's running
 * acceptance timer: not if it was answered before the assignment was made
 * (before its push on the same socket, or before the hub's own `assigned_at`)
 * or before the session that restarted the timer sent its identify. An
 * accept of an earlier generation, or of an earlier session, does not count.
 */
function mayCountFor(model: Model, report: Report, assignment: Assignment, session: Session | undefined): boolean {
  const reply = report.exchange.reply;
  if (reply === undefined) return true;
  const push = assignment.push;
  if (push !== undefined && push.conn === report.exchange.conn && reply.seq < push.event.seq) return false;
  const assignedAt = push?.assignedAt ?? assignment.assignedAt;
  if (assignedAt !== undefined && reply.t < model.clock.toHistory(assignedAt).earliest) return false;
  return session === undefined || reply.seq > session.identity.exchange.send.seq;
}

/** An assignment never accepted is reclaimed an acceptance timeout after it began, or after the agent's latest identify. */
function unaccepted(model: Model, task: TaskRecord, assignment: Assignment): Violation | undefined {
  const agent = model.agents.get(assignment.agentId);
  if (agent === undefined) return undefined;
  const bound = acceptanceBound(model.timers);
  const began = assignment.push?.event.t ?? assignmentBegan(assignment, model.clock);
  for (const view of assignment.views) {
    const session = agent.sessions.filter((s) => s.start <= sentAt(view)).pop();
    const accepted = task.reports.some(
      (r) =>
        r.kind === 'accept' &&
        r.agentId === assignment.agentId &&
        r.outcome !== 'rejected' &&
        r.exchange.send.t < view.event.t &&
        mayCountFor(model, r, assignment, session),
    );
    if (accepted) return undefined;
    const timerStart = Math.max(began, session?.start ?? -Infinity);
    if (sentAt(view) <= timerStart + bound) continue;
    if (outageDuring(model.outages, assignmentBegan(assignment, model.clock), sentAt(view)) !== undefined) continue;
    return violation(
      'I7', 'unaccepted-kept',
      `task ${task.id} was still assigned to ${assignment.agentId} at generation ${assignment.generation} at ${at(sentAt(view))}, ` +
        `never accepted, ${Math.round(sentAt(view) - timerStart)} ms after its acceptance timer started (bound ${bound} ms)`,
      [assignment.firstSeq, view.event.seq],
    );
  }
  return undefined;
}

/**
 * The hub's own word is evidence too: it acknowledged a `task_accepted` for an
 * assignment whose acceptance timer had long run out, with no newer
 * assignment of the task pushed anywhere before that answer — so the
 * assignment was never reclaimed.
 */
function acceptedTooLate(model: Model, task: TaskRecord, assignment: Assignment): Violation | undefined {
  const agent = model.agents.get(assignment.agentId);
  const push = assignment.push;
  if (agent === undefined || push === undefined) return undefined;
  // An accept answered after the push may be for this assignment even if it left before the push arrived.
  const answeredAfterPush = (r: Report): boolean => (r.exchange.reply?.seq ?? r.exchange.send.seq) > push.event.seq;
  const accepts = task.reports.filter((r) => r.kind === 'accept' && r.agentId === assignment.agentId && answeredAfterPush(r));
  const first = accepts.find((r) => r.outcome !== 'rejected');
  const reply = first?.exchange.reply;
  if (first === undefined || first.outcome !== 'accepted' || reply === undefined) return undefined;
  const sent = first.exchange.send.t;
  const newer = task.pushes.some((p) => p.generation > assignment.generation && p.event.t < reply.t);
  if (newer || outageDuring(model.outages, push.event.t, reply.t) !== undefined) return undefined;
  const bound = acceptanceBound(model.timers);
  const timerStart = Math.max(push.event.t, ...agent.sessions.filter((s) => s.start <= sent).map((s) => s.start));
  if (sent <= timerStart + bound) return undefined;
  return violation(
    'I7', 'late-accept-acknowledged',
    `${assignment.agentId} was pushed task ${task.id} at generation ${assignment.generation} at ${at(push.event.t)} and did not accept it; ` +
      `its task_accepted ${Math.round(sent - timerStart)} ms after the acceptance timer started (bound ${bound} ms) was still acknowledged, ` +
      'so the assignment was never reclaimed',
    [push.event.seq, first.exchange.send.seq, reply.seq],
  );
}

/** Past `complete_by`, the overdue sweep reclaims an assignment within one sweep period. */
function overdue(model: Model, task: TaskRecord, assignment: Assignment): Violation | undefined {
  const completeBy = task.submission.completeBy;
  if (completeBy === null) return undefined;
  const due = model.clock.toHistory(completeBy).latest;
  const bound = overdueBound(model.timers);
  for (const view of assignment.views) {
    const from = Math.max(due, assignmentBegan(assignment, model.clock), lastRestartBefore(model.outages, sentAt(view)));
    if (sentAt(view) <= from + bound) continue;
    return violation(
      'I7', 'overdue-kept',
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
      'I7', 'stuck-kept',
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
      const checks = [unaccepted, acceptedTooLate, overdue].map((check) => check(model, task, assignment));
      for (const found of checks) if (found) out.push(found);
    }
    const found = stuck(model, task);
    if (found) out.push(found);
  }
  return out;
}
