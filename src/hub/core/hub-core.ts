/**
 * The hub's functional core: a deterministic state machine. Each event (with
 * the time it happened at) updates the state in place and returns the
 * effects the shell must carry out. No I/O, no clock, no randomness except
 * through `CoreEnv.ids`.
 */
import type { DurableSnapshot } from './durable.js';
import type { Effect, HubEvent } from './events.js';
import { handleHttp } from './http-api.js';
import { reclaim } from './reclaim.js';
import { CLOSE_UNSUPPORTED_DATA, closedConnection, openConnection } from './sessions.js';
import { stateFromSnapshot, type HubState } from './state.js';
import { Step, type CoreEnv } from './step.js';
import { startSweeps, timerFired } from './timers.js';
import { applyCompletion } from './task-messages.js';
import type { Task } from './task.js';
import { handleText } from './ws-messages.js';

export type { CoreEnv } from './step.js';

export const ADMIN_AGENT_ID = 'admin';

function hasUntypedMetadata(task: Task): boolean {
  return Object.values(task.metadata).some((value) => typeof value !== 'string' && typeof value !== 'number');
}

/**
 * The state a hub starts from. Sessions did not survive the restart, so every
 * task still assigned is reclaimed, as a socket loss would have done.
 */
export function startCore(snapshot: DurableSnapshot, env: CoreEnv, now: number): { state: HubState; effects: Effect[] } {
  if (env.faults.has('restart-chokes-on-metadata') && snapshot.tasks.some(hasUntypedMetadata)) {
    throw new Error('cannot load a saved task whose metadata holds anything but strings and numbers');
  }
  const adminToken = snapshot.adminToken ?? env.ids.token();
  const state = stateFromSnapshot(snapshot, adminToken);
  const step = new Step(state, env, now);
  if (snapshot.adminToken === null) {
    state.tokens.set(adminToken, ADMIN_AGENT_ID);
    step.persist({ kind: 'admin_token', token: adminToken });
    step.persist({ kind: 'token', token: adminToken, agent_id: ADMIN_AGENT_ID });
  }
  for (const task of state.tasks.values()) {
    if (task.status === 'assigned' && task.assigned_to !== null) {
      reclaim(step, task, { agentId: task.assigned_to, generation: task.generation }, 'agent_disconnect');
    }
  }
  startSweeps(step);
  return { state, effects: step.finish() };
}

function markActive(state: HubState, connId: number, now: number): void {
  const conn = state.conns.get(connId);
  if (conn !== undefined) conn.lastActivity = now;
}

export function handleEvent(state: HubState, event: HubEvent, env: CoreEnv): Effect[] {
  const step = new Step(state, env, event.now);
  switch (event.type) {
    case 'ws_open':
      openConnection(step, event.connId);
      break;
    case 'ws_text': {
      markActive(state, event.connId, event.now);
      const conn = state.conns.get(event.connId);
      if (conn !== undefined && !conn.closing) handleText(step, conn, event.text);
      break;
    }
    case 'ws_binary':
      markActive(state, event.connId, event.now);
      step.close(event.connId, CLOSE_UNSUPPORTED_DATA, 'binary_frames_not_supported');
      break;
    case 'ws_activity':
      markActive(state, event.connId, event.now);
      break;
    case 'ws_closed':
      closedConnection(step, event.connId);
      break;
    case 'http':
      handleHttp(step, event.reqId, event.request);
      break;
    case 'timer':
      timerFired(step, event.timerId);
      break;
    case 'follow_up':
      applyCompletion(step, event.work);
      break;
  }
  return step.finish();
}
