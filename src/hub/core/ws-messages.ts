import { isJsonObject, parseJson, type JsonObject } from './json.js';
import { identify } from './sessions.js';
import type { Connection } from './state.js';
import type { Step } from './step.js';
import { acceptTask, completeTask, failTask, recordProgress, recoverTask, type Caller } from './task-messages.js';

const TASK_MESSAGES: Record<string, (step: Step, caller: Caller, msg: JsonObject) => void> = {
  task_accepted: acceptTask,
  task_progress: recordProgress,
  task_complete: completeTask,
  task_failed: failTask,
  task_recovering: recoverTask,
};

function isIdentify(msg: unknown): msg is JsonObject & { agent_id: string } {
  return isJsonObject(msg) && msg.type === 'identify' && typeof msg.agent_id === 'string' && msg.agent_id !== '';
}

function sendError(step: Step, conn: Connection, error: string): void {
  step.send(conn.id, { type: 'error', error });
}

/** One text frame from a socket. */
export function handleText(step: Step, conn: Connection, text: string): void {
  const parsed = parseJson(text);
  if (parsed === undefined) return sendError(step, conn, 'invalid_json');
  const msg = parsed.value;
  const agent = conn.agentId === null ? undefined : step.state.agents.get(conn.agentId);
  if (agent === undefined) {
    if (isIdentify(msg)) return identify(step, conn, msg);
    return sendError(step, conn, 'not_identified');
  }
  if (!isJsonObject(msg)) return sendError(step, conn, 'unknown_message_type');
  if (isIdentify(msg)) return identify(step, conn, msg);
  if (msg.type === 'ping') return step.send(conn.id, { type: 'pong', timestamp: step.now });
  const handler = typeof msg.type === 'string' && Object.hasOwn(TASK_MESSAGES, msg.type) ? TASK_MESSAGES[msg.type] : undefined;
  if (handler === undefined || msg.task_id === undefined || msg.task_id === null) {
    return sendError(step, conn, 'unknown_message_type');
  }
  handler(step, { agent, connId: conn.id }, msg);
}
