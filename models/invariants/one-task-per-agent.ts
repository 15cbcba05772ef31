import { agentAt, type Connection } from '../connections.js';
import type { Model } from '../model.js';
import { outageDuring } from '../outages.js';
import { saysNotHeld, type TaskPush, type TaskRecord } from '../tasks.js';
import { at, violation, type Violation } from './catalog.js';

interface Held {
  task: TaskRecord;
  push: TaskPush;
}

/** Hub-time bounds of an assignment, in history time: it was made within [earliest, latest]. */
function madeWithin(model: Model, push: TaskPush): { earliest: number; latest: number } {
  if (push.assignedAt === undefined) return { earliest: -Infinity, latest: push.event.t };
  const window = model.clock.toHistory(push.assignedAt);
  return { earliest: window.earliest, latest: Math.min(window.latest, push.event.t) };
}

/**
 * The earliest moment the agent may have let go of the held task, erring
 * early: a complete, fail or recovering about it that the hub may have taken
 * after the assignment (from the moment it was sent), the acceptance timer
 * unless an accept was surely taken before it could fire, `complete_by`, and
 * the stuck threshold counted from the assignment.
 */
function heldUntil(model: Model, connection: Connection, held: Held): number {
  const { task, push } = held;
  const made = madeWithin(model, push).earliest;
  const takenSinceMade = (reply: { t: number } | undefined): boolean => reply === undefined || reply.t >= made;
  const ends: number[] = [made + model.timers.stuckThresholdMs];
  for (const report of task.reports) {
    if (report.agentId !== push.agentId || report.kind === 'accept' || !takenSinceMade(report.exchange.reply)) continue;
    if (report.outcome !== 'rejected' || saysNotHeld(report)) ends.push(report.exchange.send.t);
  }
  for (const exchange of connection.exchanges) {
    if (exchange.type === 'task_recovering' && exchange.frame?.task_id === task.id && exchange.replyFrame?.type === 'task_reassign') {
      ends.push(exchange.send.t);
    }
  }
  const timerFires = made + model.timers.acceptanceMs;
  const acceptedFirst = task.reports.some((r) => {
    const reply = r.exchange.reply;
    return r.kind === 'accept' && r.outcome === 'accepted' && reply !== undefined && r.exchange.conn === push.conn && reply.seq > push.event.seq && reply.t < timerFires;
  });
  if (!acceptedFirst) ends.push(timerFires);
  const completeBy = task.submission.completeBy;
  if (completeBy !== null) ends.push(Math.max(made, model.clock.toHistory(completeBy).earliest));
  return Math.min(...ends);
}

/**
 * Whether the agent's session may have changed between the two pushes: an
 * identify for it on any socket (a replacement keeps the task, so the model
 * cannot follow the hold across it) or an outage.
 */
function sessionChanged(model: Model, agentId: string, from: number, to: number): boolean {
  if (outageDuring(model.outages, from, to) !== undefined) return true;
  for (const connection of model.connections.values()) {
    for (const exchange of connection.exchanges) {
      if (exchange.type !== 'identify' || exchange.send.t > to) continue;
      if (exchange.send.t >= from || (exchange.reply?.t ?? Infinity) >= from) {
        if (exchange.frame?.agent_id === agentId || connection.identities.some((i) => i.agentId === agentId)) return true;
      }
    }
  }
  return false;
}

/** A task the agent still held when `later` was made, pushed on the same socket before it. */
function stillHeld(model: Model, connection: Connection, earlier: readonly Held[], later: Held): Held | undefined {
  const made = madeWithin(model, later.push).latest;
  const agentId = agentAt(connection, later.push.event.t);
  return earlier.find(
    (held) =>
      held.task !== later.task &&
      agentAt(connection, held.push.event.t) === agentId &&
      !sessionChanged(model, agentId, held.push.event.t, later.push.event.t) &&
      heldUntil(model, connection, held) > made,
  );
}

/**
 * I2 (per agent): an agent holds at most one task at a time, so the hub
 * pushes a task only to an agent whose earlier task has ended. Judged on one
 * socket, where pushes arrive in the order the hub made them; the first
 * offence per socket.
 */
export function secondTaskViolations(model: Model): Violation[] {
  const pushesOn = new Map<number, Held[]>();
  for (const task of model.tasks.values()) {
    for (const push of task.pushes) {
      if (push.kind === 'assign') pushesOn.set(push.conn, [...(pushesOn.get(push.conn) ?? []), { task, push }]);
    }
  }
  const out: Violation[] = [];
  for (const [conn, pushes] of pushesOn) {
    const connection = model.connections.get(conn);
    if (connection === undefined) continue;
    pushes.sort((a, b) => a.push.event.seq - b.push.event.seq);
    for (const [i, later] of pushes.entries()) {
      const held = stillHeld(model, connection, pushes.slice(0, i), later);
      if (held === undefined) continue;
      out.push(
        violation(
          'I2', 'second-task',
          `${later.push.agentId} was pushed task ${later.task.id} (generation ${later.push.generation}) at ${at(later.push.event.t)} ` +
            `while it still held task ${held.task.id} (generation ${held.push.generation}, pushed at ${at(held.push.event.t)}); an agent holds at most one task`,
          [held.push.event.seq, later.push.event.seq],
        ),
      );
      break;
    }
  }
  return out;
}
