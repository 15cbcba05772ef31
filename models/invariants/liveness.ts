import { DISCONNECT_RECLAIM_MS, QUEUED_WHILE_IDLE_MS, REACTION_SLACK_MS } from '../bounds.js';
import { closedAt, type Connection } from '../connections.js';
import { includesAll } from '../frames.js';
import type { Model } from '../model.js';
import { outageDuring } from '../outages.js';
import { assignmentBegan, type TaskRecord } from '../tasks.js';
import { at, violation, type Violation } from './catalog.js';

/** (a) The task stayed queued while a capable agent was surely idle for longer than the bound. */
function waitedWhileIdle(model: Model, task: TaskRecord): Violation | undefined {
  const bound = QUEUED_WHILE_IDLE_MS;
  const needed = task.submission.neededCapabilities;
  for (const span of task.queuedSpans) {
    for (const agent of model.agents.values()) {
      for (const idle of agent.idle) {
        const from = Math.max(span.from, idle.from);
        const to = Math.min(span.to, idle.to);
        if (to - from <= bound || !includesAll(idle.capabilities, needed)) continue;
        return violation(
          'I6', 'idle-while-queued',
          `task ${task.id} stayed queued at generation ${span.generation} from ${at(from)} to ${at(to)} ` +
            `while ${agent.id}, able to take it, was idle (bound ${bound} ms)`,
          [...span.evidence, ...agent.sessions.filter((s) => s.start <= to).map((s) => s.identity.exchange.reply?.seq ?? 0)],
        );
      }
    }
  }
  return undefined;
}

/**
 * Moments the agent's last socket closed and no new one opened soon enough to
 * replace the session before the hub noticed: from each, the hub must reclaim.
 */
function departures(model: Model, agentId: string): Connection[] {
  const own = [...model.connections.values()].filter(
    (c) => c.actor === agentId || c.identities.some((i) => i.agentId === agentId),
  );
  return own.filter((c) => {
    const d = c.close?.t;
    if (d === undefined || c.identities.length === 0) return false;
    return !own.some((o) => o !== c && o.open !== undefined && o.open.t <= d + REACTION_SLACK_MS && closedAt(o) > d);
  });
}

/** (b) An observation long after the agent's socket died still shows it holding the same assignment. */
function keptByTheDead(model: Model, task: TaskRecord): Violation | undefined {
  for (const assignment of task.assignments) {
    if (!model.ourAgents.has(assignment.agentId)) continue;
    for (const gone of departures(model, assignment.agentId)) {
      const diedAt = gone.close?.t ?? Infinity;
      if (assignmentBegan(assignment, model.clock) > diedAt) continue;
      const view = assignment.views.find(
        (v) =>
          v.event.payload.sentAt > diedAt + DISCONNECT_RECLAIM_MS &&
          outageDuring(model.outages, assignmentBegan(assignment, model.clock), v.event.payload.sentAt) === undefined,
      );
      if (view === undefined) continue;
      return violation(
        'I6', 'held-by-the-gone',
        `task ${task.id} was still assigned to ${assignment.agentId} at generation ${assignment.generation} ` +
          `at ${at(view.event.payload.sentAt)}, though its last connection (${gone.conn}) closed at ${at(diedAt)} ` +
          `(bound ${DISCONNECT_RECLAIM_MS} ms)`,
        [assignment.firstSeq, gone.close?.seq ?? 0, view.event.seq],
      );
    }
  }
  return undefined;
}

/** I6: no task waits while a capable agent idles, nor stays with an agent whose socket is gone. */
export function liveness(model: Model): Violation[] {
  const out: Violation[] = [];
  for (const task of model.tasks.values()) {
    for (const found of [waitedWhileIdle(model, task), keptByTheDead(model, task)]) if (found) out.push(found);
  }
  return out;
}
