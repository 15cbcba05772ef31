import { OVERSIZE_FRAME_CHARS } from './bounds.js';
import { asObject, capabilityNames, frameType, isReply, jsonEqual, REJECTION_PREFIX, strictParserMayRefuse, stringField, type JsonObject } from './frames.js';
import type { HistoryEvent, WsCloseEvent, WsOpenEvent, WsRecvEvent, WsSendEvent } from './history.js';

/** One frame a client sent, with the reply the hub gave it (if any). */
export interface Exchange {
  conn: number;
  send: WsSendEvent;
  /** The frame when it is a JSON object. */
  frame: JsonObject | undefined;
  type: string | undefined;
  expectsReply: boolean;
  /** Whether an identify on this connection had succeeded before this frame. */
  identifiedBefore: boolean;
  reply?: WsRecvEvent;
  replyFrame?: JsonObject;
}

export interface Push {
  event: WsRecvEvent;
  frame: JsonObject;
}

/** A successful identify: from its reply on, the connection speaks for `agentId`. */
export interface Identity {
  agentId: string;
  capabilities: string[];
  exchange: Exchange;
  /** `t` of the `identified` reply. */
  at: number;
}

export interface Connection {
  conn: number;
  actor: string;
  open?: WsOpenEvent;
  close?: WsCloseEvent;
  exchanges: Exchange[];
  pushes: Push[];
  identities: Identity[];
  /** Replies that answer no frame sent before them on this connection. */
  unasked: WsRecvEvent[];
}

function frameSize(event: WsSendEvent): number {
  if (event.payload.raw !== undefined) return event.payload.raw.length;
  return JSON.stringify(event.payload.frame ?? null).length;
}

/**
 * Whether the hub owes this frame a reply: all frames do except binary ones
 * and oversized ones (the hub closes the socket instead) and `task_progress`
 * on an identified connection with a task id.
 */
function expectsReply(event: WsSendEvent, frame: JsonObject | undefined, identified: boolean): boolean {
  if (event.payload.binary === true || frameSize(event) >= OVERSIZE_FRAME_CHARS) return false;
  // The hub stays silent on progress naming any task id, even one that is not a string; only a missing one gets an error.
  if (identified && frameType(frame) === 'task_progress' && frame?.task_id !== undefined && frame.task_id !== null) return false;
  return true;
}

const REPORT_TYPES = ['task_accepted', 'task_complete', 'task_failed'];
const ACK_ANSWERS: Record<string, string[]> = { accepted: ['task_accepted'], complete: ['task_complete'], retried: ['task_failed'], dead_letter: ['task_failed'] };
const IDENTIFY_ERRORS = new Set(['invalid_token', 'token_agent_mismatch']);

const CLIENT_TYPES = new Set(['identify', 'ping', 'task_progress', 'task_recovering', ...REPORT_TYPES]);

/** Client frame types a reply can answer, read from what the reply says; undefined when only its position tells. */
function answerableTypes(reply: JsonObject | undefined): readonly string[] | undefined {
  switch (frameType(reply)) {
    case 'identified':
      return ['identify'];
    case 'pong':
      return ['ping'];
    case 'task_continue':
    case 'task_reassign':
      return ['task_recovering'];
    case 'task_ack':
      return ACK_ANSWERS[stringField(reply, 'status') ?? ''] ?? REPORT_TYPES;
    case 'error': {
      const error = stringField(reply, 'error') ?? '';
      if (IDENTIFY_ERRORS.has(error)) return ['identify'];
      const named = REPORT_TYPES.find((type) => error.startsWith(`${REJECTION_PREFIX[type]}: `));
      return named === undefined ? undefined : [named];
    }
    default:
      return undefined;
  }
}

/** Among frames a position-only error may answer, the ones its string points at (else any will do). */
function likelyAnswers(error: string | undefined, exchange: Exchange, identified: boolean): boolean {
  switch (error) {
    case 'invalid_json':
      return strictParserMayRefuse(exchange.send.payload);
    case 'not_identified':
      return !identified;
    case 'unknown_message_type':
      return exchange.type === undefined || !CLIENT_TYPES.has(exchange.type) || typeof exchange.frame?.task_id !== 'string';
    default:
      return true;
  }
}

/**
 * Whether a reply naming a task fits a frame about it: `exact` asks for the
 * same id; failing that, a frame whose id is no string will do (a hub may
 * echo it otherwise). A reply naming no task fits any frame of its type.
 */
function sameTask(exchange: Exchange, reply: JsonObject | undefined, exact: boolean): boolean {
  if (reply?.task_id === undefined) return true;
  const asked = exchange.frame?.task_id;
  return exact ? jsonEqual(asked, reply.task_id) : typeof asked !== 'string';
}

/**
 * Pairs every sent frame with its reply, replies taken in the order they
 * came. A reply that says what it answers (its type and task id, or the
 * operation its error names) answers the earliest open frame of that kind
 * sent before it. Only replies that say neither (`not_identified`,
 * `unknown_message_type`, `invalid_json`, …) go by position: the earliest
 * open frame that expects one, preferring frames the error fits. So one
 * missing or extra reply shifts no other pairing; a reply nothing asked for
 * is kept as unasked.
 */
function pairFrames(connection: Connection, sends: WsSendEvent[], recvs: WsRecvEvent[]): void {
  const exchanges: Exchange[] = sends.map((send) => {
    const frame = asObject(send.payload.frame);
    return { conn: connection.conn, send, frame, type: frameType(frame), expectsReply: false, identifiedBefore: false };
  });
  // Whether an identify sent before the frame has been answered `identified` so far: the hub took the frame as identified.
  const identifiedFor = (exchange: Exchange): boolean =>
    exchanges.some((e) => e.send.seq < exchange.send.seq && e.type === 'identify' && frameType(e.replyFrame) === 'identified');
  const open = (reply: WsRecvEvent, fits: (e: Exchange) => boolean): Exchange | undefined =>
    exchanges.find((e) => e.reply === undefined && e.send.seq < reply.seq && e.send.payload.binary !== true && fits(e));
  for (const reply of recvs) {
    const frame = asObject(reply.payload.frame);
    if (!isReply(frame)) {
      if (frame !== undefined) connection.pushes.push({ event: reply, frame });
      continue;
    }
    const types = answerableTypes(frame);
    const error = stringField(frame, 'error');
    const exchange =
      types === undefined
        ? (open(reply, (e) => expectsReply(e.send, e.frame, identifiedFor(e)) && likelyAnswers(error, e, identifiedFor(e))) ??
          open(reply, (e) => expectsReply(e.send, e.frame, identifiedFor(e))))
        : (open(reply, (e) => e.type !== undefined && types.includes(e.type) && sameTask(e, frame, true)) ??
          open(reply, (e) => e.type !== undefined && types.includes(e.type) && sameTask(e, frame, false)));
    if (exchange === undefined) {
      connection.unasked.push(reply);
      continue;
    }
    exchange.reply = reply;
    exchange.replyFrame = frame;
  }
  for (const exchange of exchanges) {
    exchange.identifiedBefore = identifiedFor(exchange);
    exchange.expectsReply = expectsReply(exchange.send, exchange.frame, exchange.identifiedBefore);
    const reply = exchange.reply;
    if (reply === undefined || exchange.type !== 'identify' || frameType(exchange.replyFrame) !== 'identified') continue;
    connection.identities.push({
      agentId: stringField(exchange.replyFrame, 'agent_id') ?? stringField(exchange.frame, 'agent_id') ?? connection.actor,
      capabilities: capabilityNames(exchange.frame?.capabilities),
      exchange,
      at: reply.t,
    });
  }
  connection.exchanges.push(...exchanges);
}

export function readConnections(events: readonly HistoryEvent[]): Map<number, Connection> {
  const connections = new Map<number, Connection>();
  const sends = new Map<number, WsSendEvent[]>();
  const recvs = new Map<number, WsRecvEvent[]>();
  const get = (conn: number, actor: string): Connection => {
    let connection = connections.get(conn);
    if (connection === undefined) {
      connection = { conn, actor, exchanges: [], pushes: [], identities: [], unasked: [] };
      connections.set(conn, connection);
      sends.set(conn, []);
      recvs.set(conn, []);
    }
    return connection;
  };
  for (const event of events) {
    switch (event.kind) {
      case 'ws_open':
        get(event.payload.conn, event.actor).open = event;
        break;
      case 'ws_close':
        get(event.payload.conn, event.actor).close ??= event;
        break;
      case 'ws_send':
        get(event.payload.conn, event.actor);
        sends.get(event.payload.conn)?.push(event);
        break;
      case 'ws_recv':
        get(event.payload.conn, event.actor);
        recvs.get(event.payload.conn)?.push(event);
        break;
      default:
        break;
    }
  }
  for (const connection of connections.values()) {
    pairFrames(connection, sends.get(connection.conn) ?? [], recvs.get(connection.conn) ?? []);
  }
  return connections;
}

/** The agent a connection spoke for at time `t` (its latest identity by then), else its actor. */
export function agentAt(connection: Connection, t: number): string {
  let agent = connection.actor;
  for (const identity of connection.identities) if (identity.at <= t) agent = identity.agentId;
  return agent;
}

/** `t` until which the connection was open; Infinity if the history never saw it close. */
export function closedAt(connection: Connection): number {
  return connection.close?.t ?? Infinity;
}

/** Whether the client sent a binary frame on the connection by `t`. */
export function sentBinaryBy(connection: Connection, t: number): boolean {
  return connection.exchanges.some((e) => e.send.payload.binary === true && e.send.t <= t);
}
