import { CLOCK_SLACK_MS, REACTION_SLACK_MS } from '../bounds.js';
import { numberField } from '../frames.js';
import type { Connection, Exchange } from '../connections.js';
import type { Model } from '../model.js';
import { outageDuring } from '../outages.js';
import { at, violation, type Violation } from './catalog.js';

/** Close codes the contract lets the hub use outside a restart. */
const ALLOWED_CLOSE_CODES = new Set([1000, 1002, 1003, 1009, 4001]);

/** Closes that refuse a frame instead of answering it (binary, oversized). */
const REFUSING_CLOSE_CODES = new Set([1003, 1009]);

const REPLY_TYPES_FOR: Record<string, string[]> = {
  identify: ['identified', 'error'],
  ping: ['pong', 'error'],
  task_accepted: ['task_ack', 'error'],
  task_complete: ['task_ack', 'error'],
  task_failed: ['task_ack', 'error'],
  task_recovering: ['task_continue', 'task_reassign', 'error'],
};

function httpViolations(model: Model): Violation[] {
  const out: Violation[] = [];
  for (const event of model.http) {
    const { status, sentAt, method, path, error } = event.payload;
    if (status !== null && status < 500) continue;
    if (outageDuring(model.outages, sentAt, event.t) !== undefined) continue;
    const what = status === null ? `got no answer (${error ?? 'no error recorded'})` : `answered ${status}`;
    out.push(violation('I10', 'http-unanswered', `${method} ${path} sent at ${at(sentAt)} ${what}`, [event.seq]));
  }
  return out;
}

function closeViolation(model: Model, connection: Connection): Violation | undefined {
  const close = connection.close;
  if (close === undefined || (close.payload.by !== 'server' && close.payload.by !== 'connect_failed')) return undefined;
  if (outageDuring(model.outages, close.t - REACTION_SLACK_MS, close.t + REACTION_SLACK_MS) !== undefined) return undefined;
  if (close.payload.by === 'connect_failed') {
    return violation('I10', 'connect-refused', `connection ${connection.conn} of ${connection.actor} could not open at ${at(close.t)} while the hub was up`, [close.seq]);
  }
  if (ALLOWED_CLOSE_CODES.has(close.payload.code)) return undefined;
  return violation(
    'I10', 'bad-close-code',
    `the hub closed connection ${connection.conn} of ${connection.actor} at ${at(close.t)} with code ${close.payload.code} (${JSON.stringify(close.payload.reason)}), not a contract code`,
    [close.seq],
  );
}

/**
 * The first frame left unanswered when the hub closed the socket. Frames the
 * client gave up on (it closed first), frames overtaken by a restart or by a
 * refusing close, and frames sent just before the close are not judged.
 */
function unansweredViolation(model: Model, connection: Connection): Violation | undefined {
  const close = connection.close;
  const missing = connection.exchanges.find((e) => e.expectsReply && e.reply === undefined);
  if (missing === undefined || close === undefined || close.payload.by !== 'server') return undefined;
  if (REFUSING_CLOSE_CODES.has(close.payload.code)) return undefined;
  if (close.t - missing.send.t <= REACTION_SLACK_MS) return undefined;
  if (outageDuring(model.outages, missing.send.t, close.t) !== undefined) return undefined;
  return violation(
    'I10', 'unanswered-frame',
    `${missing.type ?? 'a frame'} sent on connection ${connection.conn} at ${at(missing.send.t)} got no reply before the hub closed it at ${at(close.t)} (code ${close.payload.code})`,
    [missing.send.seq, close.seq],
  );
}

function mismatchedReply(connection: Connection): Violation | undefined {
  const wrong = connection.exchanges.find((e: Exchange) => {
    const allowed = e.type === undefined ? undefined : REPLY_TYPES_FOR[e.type];
    const got = e.replyFrame?.type;
    return allowed !== undefined && typeof got === 'string' && !allowed.includes(got);
  });
  if (wrong === undefined) return undefined;
  return violation(
    'I10', 'reply-mismatch',
    `on connection ${connection.conn}, ${wrong.type} at ${at(wrong.send.t)} was answered by ${String(wrong.replyFrame?.type)}: a reply went missing or came unasked`,
    [wrong.send.seq, wrong.reply?.seq ?? wrong.send.seq],
  );
}

/**
 * A second identify for an agent whose first socket is open replaces the
 * session: the hub closes the old socket with 4001 at once. An old socket
 * still open (or closed otherwise) well after the new identify means the hub
 * kept two sessions for one agent, and pushes may go to the dead one.
 */
function replacedSessionViolation(model: Model, connection: Connection): Violation | undefined {
  for (const identity of connection.identities) {
    const deadline = identity.at + REACTION_SLACK_MS;
    if (deadline > model.end || outageDuring(model.outages, identity.at - REACTION_SLACK_MS, deadline) !== undefined) continue;
    for (const old of model.connections.values()) {
      if (old === connection || !old.identities.some((i) => i.agentId === identity.agentId && i.at < identity.at)) continue;
      const close = old.close;
      if (close !== undefined && close.t <= identity.at) continue;
      if (close !== undefined && close.t <= deadline && (close.payload.by !== 'server' || close.payload.code === 4001)) continue;
      const how = close === undefined ? 'was never closed' : `was closed at ${at(close.t)} by ${close.payload.by} with code ${close.payload.code}`;
      return violation(
        'I10', 'replaced-session-open',
        `${identity.agentId} identified again on connection ${connection.conn} at ${at(identity.at)}, but its older connection ${old.conn} ${how}; ` +
          `the hub must close a replaced session with 4001 (within ${REACTION_SLACK_MS} ms)`,
        [identity.exchange.reply?.seq ?? identity.exchange.send.seq, ...(close ? [close.seq] : [])],
      );
    }
  }
  return undefined;
}

/**
 * After a session is replaced, every later push goes to the new socket: an
 * assignment the hub made (by its own `assigned_at`) after the new identify
 * was answered, yet delivered on the old socket, went to a dead session.
 */
function pushToReplacedSession(model: Model, connection: Connection): Violation | undefined {
  for (const identity of connection.identities) {
    for (const old of model.connections.values()) {
      if (old === connection || !old.identities.some((i) => i.agentId === identity.agentId && i.at < identity.at)) continue;
      for (const push of old.pushes) {
        const assignedAt = numberField(push.frame, 'assigned_at');
        if (push.frame.type !== 'task_assign' || assignedAt === undefined) continue;
        const made = model.clock.toHistory(assignedAt).earliest;
        if (made <= identity.at + CLOCK_SLACK_MS || outageDuring(model.outages, identity.at, push.event.t) !== undefined) continue;
        return violation(
          'I10', 'push-to-replaced',
          `${identity.agentId} moved to connection ${connection.conn} at ${at(identity.at)}, but task ${String(push.frame.task_id)} ` +
            `assigned later (assigned_at ${assignedAt}) was pushed to its replaced connection ${old.conn}`,
          [identity.exchange.reply?.seq ?? identity.exchange.send.seq, push.event.seq],
        );
      }
    }
  }
  return undefined;
}

/** I10: every request and frame gets its answer; sockets close only as the contract allows. */
export function availability(model: Model): Violation[] {
  const out = httpViolations(model);
  for (const connection of model.connections.values()) {
    const checks = [
      closeViolation(model, connection),
      unansweredViolation(model, connection),
      mismatchedReply(connection),
      replacedSessionViolation(model, connection),
      pushToReplacedSession(model, connection),
    ];
    for (const found of checks) {
      if (found) out.push(found);
    }
  }
  return out;
}
