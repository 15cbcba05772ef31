import { acceptanceBound, REACTION_SLACK_MS } from './bounds.js';
import { closedAt, type Connection, type Identity } from './connections.js';
import { isGeneration } from './frames.js';
import type { TimerSettings } from './history.js';
import type { HubOutage } from './outages.js';
import { saysNotHeld, type TaskRecord } from './tasks.js';

/** A connection identified as the agent, from the `identified` reply until it closed. */
export interface Session {
  agentId: string;
  connection: Connection;
  identity: Identity;
  start: number;
  end: number;
  /**
   * The hub may have kept a task for this agent that the agent never heard of:
   * an older socket of the agent could still have been open to the hub (a push
   * lost on a dying socket survives a session replacement), or the hub
   * restarted since the agent's previous session.
   */
  mayInheritTask: boolean;
}

/** The agent was surely idle at the hub throughout [from, to], with these capabilities. */
export interface IdleSpan {
  from: number;
  to: number;
  capabilities: string[];
}

export interface AgentRecord {
  id: string;
  sessions: Session[];
  /** Every connection that identified as this agent. */
  connections: Connection[];
  idle: IdleSpan[];
}

function sessionsOf(agentId: string, connections: Connection[], outages: readonly HubOutage[]): Session[] {
  const sessions: Session[] = [];
  for (const connection of connections) {
    for (const identity of connection.identities) {
      if (identity.agentId !== agentId) continue;
      sessions.push({
        agentId,
        connection,
        identity,
        start: identity.at,
        end: closedAt(connection),
        mayInheritTask: false,
      });
    }
  }
  sessions.sort((a, b) => a.start - b.start);
  sessions.forEach((session, i) => {
    const sentAt = session.identity.exchange.send.t;
    const otherOpen = connections.some(
      (c) => c !== session.connection && (c.open?.t ?? 0) <= sentAt && closedAt(c) >= sentAt - REACTION_SLACK_MS,
    );
    const previous = sessions[i - 1];
    const restartedSince = previous !== undefined && outages.some((o) => o.from >= previous.start && o.from <= sentAt);
    session.mayInheritTask = otherOpen || restartedSince;
  });
  return sessions;
}

interface Hold {
  generation: number;
  receivedAt: number;
  timerStart: number;
  accepted: boolean;
}

type AgentStep =
  | { t: number; seq: number; kind: 'session_start'; session: Session }
  | { t: number; seq: number; kind: 'session_end'; session: Session }
  | { t: number; seq: number; kind: 'outage' }
  | { t: number; seq: number; kind: 'assign' | 'continue'; task: string; generation: number }
  | { t: number; seq: number; kind: 'accepted'; task: string }
  | { t: number; seq: number; kind: 'released'; task: string; generation: number };

function stepsOf(agentId: string, sessions: Session[], tasks: Iterable<TaskRecord>, outages: readonly HubOutage[]): AgentStep[] {
  const steps: AgentStep[] = [];
  for (const session of sessions) {
    steps.push({ t: session.start, seq: session.identity.exchange.reply?.seq ?? 0, kind: 'session_start', session });
    if (session.end !== Infinity) {
      steps.push({ t: session.end, seq: session.connection.close?.seq ?? 0, kind: 'session_end', session });
    }
  }
  for (const outage of outages) steps.push({ t: outage.from, seq: outage.seq, kind: 'outage' });
  for (const task of tasks) {
    for (const push of task.pushes) {
      if (push.agentId !== agentId) continue;
      steps.push({ t: push.event.t, seq: push.event.seq, kind: push.kind, task: task.id, generation: push.generation });
    }
    for (const report of task.reports) {
      const reply = report.exchange.reply;
      if (report.agentId !== agentId || reply === undefined) continue;
      if (report.kind === 'accept') {
        if (report.outcome === 'accepted') steps.push({ t: reply.t, seq: reply.seq, kind: 'accepted', task: task.id });
        continue;
      }
      const releases = report.outcome === 'accepted' || saysNotHeld(report);
      if (releases && isGeneration(report.generation)) {
        steps.push({ t: reply.t, seq: reply.seq, kind: 'released', task: task.id, generation: report.generation });
      }
    }
  }
  return steps.sort((a, b) => a.t - b.t || a.seq - b.seq);
}

/**
 * When the agent was surely idle at the hub, judged from its own side and
 * erring busy: it holds a task from the push until a reply to its complete or
 * fail of that generation (a reclaim it is not told of keeps it busy here);
 * an unaccepted task is let go once the acceptance timeout must have reclaimed
 * it; a session that may have inherited an unseen task is busy for a whole
 * acceptance timeout.
 */
function idleSpansOf(
  agentId: string,
  sessions: Session[],
  tasks: Iterable<TaskRecord>,
  outages: readonly HubOutage[],
  timers: TimerSettings,
  horizon: number,
): IdleSpan[] {
  const live = new Set<Session>();
  const holds = new Map<string, Hold>();
  let hiddenUntil = -Infinity;
  const spans: IdleSpan[] = [];
  const steps = stepsOf(agentId, sessions, tasks, outages);
  steps.forEach((step, i) => {
    switch (step.kind) {
      case 'session_start':
        live.add(step.session);
        for (const hold of holds.values()) {
          hold.timerStart = step.t;
          hold.accepted = false;
        }
        if (step.session.mayInheritTask) hiddenUntil = Math.max(hiddenUntil, step.t + acceptanceBound(timers));
        break;
      case 'session_end':
        live.delete(step.session);
        break;
      case 'outage':
        // Every socket dies with the hub, whatever order their closes were recorded in.
        live.clear();
        break;
      case 'assign':
        // The hub pushes only to an idle agent, so older holds were let go; a
        // push received just before may still be racing this one on another socket.
        for (const [task, hold] of holds) if (hold.receivedAt < step.t - REACTION_SLACK_MS) holds.delete(task);
        holds.set(step.task, { generation: step.generation, receivedAt: step.t, timerStart: step.t, accepted: false });
        break;
      case 'continue': {
        const hold = holds.get(step.task);
        if (hold?.generation !== step.generation) {
          holds.set(step.task, { generation: step.generation, receivedAt: step.t, timerStart: step.t, accepted: false });
        }
        break;
      }
      case 'accepted': {
        const hold = holds.get(step.task);
        if (hold !== undefined) hold.accepted = true;
        break;
      }
      case 'released':
        if (holds.get(step.task)?.generation === step.generation) holds.delete(step.task);
        break;
    }
    const next = steps[i + 1];
    const until = next === undefined ? horizon : next.t;
    if (live.size === 0) return;
    let busyUntil = hiddenUntil;
    for (const hold of holds.values()) {
      busyUntil = Math.max(busyUntil, hold.accepted ? Infinity : hold.timerStart + acceptanceBound(timers));
    }
    const from = Math.max(step.t, busyUntil);
    if (from >= until) return;
    const newest = [...live].reduce((a, b) => (b.start > a.start ? b : a));
    const last = spans[spans.length - 1];
    if (last !== undefined && last.to === from && last.capabilities === newest.identity.capabilities) last.to = until;
    else spans.push({ from, to: until, capabilities: newest.identity.capabilities });
  });
  return spans;
}

export function readAgents(
  agentIds: Iterable<string>,
  connections: Iterable<Connection>,
  tasks: Iterable<TaskRecord>,
  outages: readonly HubOutage[],
  timers: TimerSettings,
  horizon: number,
): Map<string, AgentRecord> {
  const agents = new Map<string, AgentRecord>();
  const all = [...connections];
  const taskList = [...tasks];
  for (const id of agentIds) {
    const own = all.filter((c) => c.identities.some((identity) => identity.agentId === id));
    const sessions = sessionsOf(id, own, outages);
    agents.set(id, {
      id,
      sessions,
      connections: own,
      idle: idleSpansOf(id, sessions, taskList, outages, timers, horizon),
    });
  }
  return agents;
}
