import { CLOCK_SLACK_MS, REACTION_SLACK_MS, REPLY_OWED_MS } from '../bounds.js';
import { asObject, frameType, numberField, stringField } from '../frames.js';
import { sentBinaryBy, type Connection, type Exchange } from '../connections.js';
import type { Model } from '../model.js';
import { failedRestarts, outageDuring } from '../outages.js';
import { at, violation, type Violation } from './catalog.js';

/** Close codes the contract lets the hub use outside a restart. */
const ALLOWED_CLOSE_CODES = new Set([1000, 1002, 1003, 1009, 4001]);

/** The real hub closes a socket that sent a binary frame with 1011 where the reference hub uses 1003. */
const BINARY_REFUSED_BY_REAL_HUB = 1011;

/** Closes that refuse a frame instead of answering it (binary, oversized). */
const REFUSING_CLOSE_CODES = new Set([1003, 1009, BINARY_REFUSED_BY_REAL_HUB]);

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
  const code = close.payload.code;
  if (ALLOWED_CLOSE_CODES.has(code) || (code === BINARY_REFUSED_BY_REAL_HUB && sentBinaryBy(connection, close.t))) return undefined;
  return violation(
    'I10', 'bad-close-code',
    `the hub closed connection ${connection.conn} of ${connection.actor} at ${at(close.t)} with code ${close.payload.code} (${JSON.stringify(close.payload.reason)}), not a contract code`,
    [close.seq],
  );
}

/**
 * When the hub had to have answered the frame: before it closed the socket
 * (unless the close refuses a frame), else within REPLY_OWED_MS while the
 * socket stayed open. Undefined when no answer was owed in the judged
 * history: the client gave up first, the socket was refused, or the history
 * ends too soon.
 */
function replyOwedBy(model: Model, connection: Connection, exchange: Exchange): number | undefined {
  const close = connection.close;
  const sent = exchange.send.t;
  if (close?.payload.by === 'server') {
    if (REFUSING_CLOSE_CODES.has(close.payload.code) || close.t - sent <= REACTION_SLACK_MS) return undefined;
    return Math.min(close.t, sent + REPLY_OWED_MS);
  }
  const deadline = sent + REPLY_OWED_MS;
  return deadline < (close?.t ?? model.end) ? deadline : undefined;
}

/** The first frame the hub owed a reply and never gave one, the hub up throughout. */
function unansweredViolation(model: Model, connection: Connection): Violation | undefined {
  for (const missing of connection.exchanges) {
    if (!missing.expectsReply || missing.reply !== undefined) continue;
    const owedBy = replyOwedBy(model, connection, missing);
    if (owedBy === undefined || outageDuring(model.outages, missing.send.t, owedBy) !== undefined) continue;
    const close = connection.close;
    const how =
      close?.payload.by === 'server' && close.t <= missing.send.t + REPLY_OWED_MS
        ? `before the hub closed it at ${at(close.t)} (code ${close.payload.code})`
        : `within ${REPLY_OWED_MS} ms, the socket open`;
    return violation(
      'I10', 'unanswered-frame',
      `${missing.type ?? 'a frame'} sent on connection ${connection.conn} at ${at(missing.send.t)} got no reply ${how}`,
      [missing.send.seq, ...(close ? [close.seq] : [])],
    );
  }
  return undefined;
}

function describeReply(frame: unknown): string {
  const reply = asObject(frame);
  const error = stringField(reply, 'error');
  return error === undefined ? String(frameType(reply)) : `error ${JSON.stringify(error)}`;
}

/** Replies are paired by what they say, so one left over answered nothing the client sent. */
function unaskedReply(connection: Connection): Violation | undefined {
  const [unasked] = connection.unasked;
  if (unasked === undefined) return undefined;
  return violation(
    'I10', 'reply-mismatch',
    `on connection ${connection.conn}, the ${describeReply(unasked.payload.frame)} received at ${at(unasked.t)} answers no frame sent before it: a reply came unasked`,
    [unasked.seq],
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
        'I10', 'replaced-session-kept',
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
          'I10', 'replaced-session-kept',
          `${identity.agentId} moved to connection ${connection.conn} at ${at(identity.at)}, but task ${String(push.frame.task_id)} ` +
            `assigned later (assigned_at ${assignedAt}) was pushed to its replaced connection ${old.conn}`,
          [identity.exchange.reply?.seq ?? identity.exchange.send.seq, push.event.seq],
        );
      }
    }
  }
  return undefined;
}

/**
 * A restarted hub must come back: one that does not leaves the rest of the
 * run to its outage, where every other invariant stands down.
 */
function restartViolations(model: Model): Violation[] {
  return failedRestarts(model.events).map((event) =>
    violation('I10', 'restart-failed', `the hub did not come back after the restart begun at ${at(event.t)}: ${event.payload.error ?? 'no error recorded'}`, [event.seq]),
  );
}

/** I10: every request and frame gets its answer; sockets close only as the contract allows; a restarted hub comes back. */
export function availability(model: Model): Violation[] {
  const out = [...httpViolations(model), ...restartViolations(model)];
  for (const connection of model.connections.values()) {
    const checks = [
      closeViolation(model, connection),
      unansweredViolation(model, connection),
      unaskedReply(connection),
      replacedSessionViolation(model, connection),
      pushToReplacedSession(model, connection),
    ];
    for (const found of checks) {
      if (found) out.push(found);
    }
  }
  return out;
}
