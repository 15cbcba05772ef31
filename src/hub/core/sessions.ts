import { startAcceptanceTimer } from './acceptance.js';
import type { JsonObject } from './json.js';
import { reclaim } from './reclaim.js';
import { schedulePass } from './scheduler.js';
import type { AgentSession, Connection } from './state.js';
import type { Step } from './step.js';

export const CLOSE_NORMAL = 1000;
export const CLOSE_PROTOCOL_ERROR = 1002;
export const CLOSE_UNSUPPORTED_DATA = 1003;
export const CLOSE_SESSION_REPLACED = 4001;

export function openConnection(step: Step, connId: number): void {
  const idleTimer = step.setTimer({ kind: 'ws_idle', dueAt: step.now + step.env.timers.wsIdleMs, connId });
  step.state.conns.set(connId, { id: connId, agentId: null, closing: false, lastActivity: step.now, idleTimer });
}

/** Capabilities as plain strings; `{name}` objects count as their name, anything else is dropped. */
function parseCapabilities(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  const names: string[] = [];
  for (const entry of value) {
    if (typeof entry === 'string') names.push(entry);
    else if (typeof entry === 'object' && entry !== null && typeof (entry as JsonObject).name === 'string') {
      names.push((entry as { name: string }).name);
    }
  }
  return names;
}

function newSession(step: Step, agentId: string, conn: Connection, msg: JsonObject): AgentSession {
  return {
    agentId,
    connId: conn.id,
    name: typeof msg.name === 'string' ? msg.name : null,
    capabilities: parseCapabilities(msg.capabilities),
    fsm: 'idle',
    transitioned: false,
    holding: null,
    acceptanceTimer: null,
    flags: new Set(),
    connectedAt: step.now,
    joinSeq: step.state.nextJoin++,
  };
}

/**
 * Ends these sessions together, then reclaims what they held: removing them
 * all first keeps one dropped agent's task from being handed to another
 * that is being dropped too.
 */
export function dropSessions(step: Step, sessions: readonly AgentSession[]): void {
  for (const session of sessions) {
    step.cancelTimer(session.acceptanceTimer);
    step.state.agents.delete(session.agentId);
  }
  for (const session of sessions) {
    if (session.holding === null) continue;
    const task = step.state.tasks.get(session.holding.taskId);
    if (task === undefined || step.faults.has('no-reclaim-on-disconnect')) continue;
    reclaim(step, task, { agentId: session.agentId, generation: session.holding.generation }, 'agent_disconnect');
  }
}

/** The session this socket speaks for, if it is still the agent's current one. */
function currentSessionOf(step: Step, conn: Connection): AgentSession | undefined {
  if (conn.agentId === null) return undefined;
  const session = step.state.agents.get(conn.agentId);
  return session?.connId === conn.id ? session : undefined;
}

export function closedConnection(step: Step, connId: number): void {
  const conn = step.state.conns.get(connId);
  if (conn === undefined) return;
  step.cancelTimer(conn.idleTimer);
  step.state.conns.delete(connId);
  const session = currentSessionOf(step, conn);
  if (session !== undefined) dropSessions(step, [session]);
}

/**
 * The old socket is closed (4001) and forgotten: its close reclaims nothing.
 * The new session keeps the task the agent held, in `assigned`, with a fresh
 * acceptance deadline, and is not sent `task_assign` again.
 */
function replaceSession(step: Step, old: AgentSession, conn: Connection, msg: JsonObject): AgentSession {
  const oldConn = step.state.conns.get(old.connId);
  if (oldConn !== undefined) {
    oldConn.agentId = null;
    step.close(oldConn.id, CLOSE_SESSION_REPLACED, 'session_replaced');
  }
  step.cancelTimer(old.acceptanceTimer);
  const session = newSession(step, old.agentId, conn, msg);
  if (old.holding !== null) {
    session.holding = old.holding;
    session.fsm = 'assigned';
    session.transitioned = true;
    startAcceptanceTimer(step, session);
  }
  return session;
}

export function identify(step: Step, conn: Connection, msg: JsonObject & { agent_id: string }): void {
  const agentId = msg.agent_id;
  const owner = typeof msg.token === 'string' ? step.state.tokens.get(msg.token) : undefined;
  if (owner === undefined) return step.send(conn.id, { type: 'error', error: 'invalid_token' });
  if (owner !== agentId) return step.send(conn.id, { type: 'error', error: 'token_agent_mismatch' });

  const previous = currentSessionOf(step, conn);
  if (previous !== undefined && previous.agentId === agentId) {
    previous.name = typeof msg.name === 'string' ? msg.name : previous.name;
    previous.capabilities = parseCapabilities(msg.capabilities);
    step.send(conn.id, { type: 'identified', agent_id: agentId });
    schedulePass(step);
    return;
  }
  if (previous !== undefined) dropSessions(step, [previous]);

  const existing = step.state.agents.get(agentId);
  if (existing !== undefined && step.faults.has('stale-session-on-reconnect')) {
    conn.agentId = agentId;
    step.send(conn.id, { type: 'identified', agent_id: agentId });
    return;
  }
  const session = existing === undefined ? newSession(step, agentId, conn, msg) : replaceSession(step, existing, conn, msg);
  step.state.agents.set(agentId, session);
  conn.agentId = agentId;
  step.send(conn.id, { type: 'identified', agent_id: agentId });
  if (session.holding === null) schedulePass(step);
}
