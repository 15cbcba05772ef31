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
function likelyAnswers(error: string | undefined, exchange: Exchange): boolean {
  switch (error) {
    case 'invalid_json':
      return strictParserMayRefuse(exchange.send.payload);
    case 'not_identified':
      return !exchange.identifiedBefore;
    case 'unknown_message_type':
      return exchange.type === undefined || !CLIENT_TYPES.has(exchange.type) || typeof exchange.frame?.task_id !== 'string';
    default:
      return true;
  }
}

/** A reply naming a task answers a frame about that task (or one whose task id is no string, which a hub may echo differently). */
function sameTask(exchange: Exchange, reply: JsonObject | undefined): boolean {
  if (reply?.task_id === undefined) return true;
  const asked = exchange.frame?.task_id;
  return typeof asked !== 'string' || jsonEqual(asked, reply.task_id);
}

/**
 * Pairs every sent frame with its reply by what the reply says: its type and
 * task id, or the operation its error names, answer the earliest open frame
 * of that kind sent before it. Only replies that say neither (`not_identified`,
 * `unknown_message_type`, `invalid_json`, …) are paired by position, with the
 * earliest open frame that expects one, preferring frames the error fits. So
 * one missing or extra reply shifts no other pairing; a reply nothing asked
 * for is kept as unasked.
 */
function pairFrames(connection: Connection, sends: WsSendEvent[], recvs: WsRecvEvent[]): void {
  const exchanges: Exchange[] = sends.map((send) => {
    const frame = asObject(send.payload.frame);
    return { conn: connection.conn, send, frame, type: frameType(frame), expectsReply: false, identifiedBefore: false };
  });
  const replies = recvs.filter((e) => isReply(asObject(e.payload.frame)));
  const answer = (exchange: Exchange, reply: WsRecvEvent): void => {
    exchange.reply = reply;
    exchange.replyFrame = asObject(reply.payload.frame);
  };
  const open = (reply: WsRecvEvent, fits: (e: Exchange) => boolean): Exchange | undefined =>
    exchanges.find((e) => e.reply === undefined && e.send.seq < reply.seq && e.send.payload.binary !== true && fits(e));
  const byPosition: WsRecvEvent[] = [];
  for (const reply of replies) {
    const frame = asObject(reply.payload.frame);
    const types = answerableTypes(frame);
    if (types === undefined) {
      byPosition.push(reply);
      continue;
    }
    const exchange = open(reply, (e) => e.type !== undefined && types.includes(e.type) && sameTask(e, frame));
    if (exchange === undefined) connection.unasked.push(reply);
    else answer(exchange, reply);
  }
  let identified = false;
  for (const exchange of exchanges) {
    exchange.identifiedBefore = identified;
    exchange.expectsReply = expectsReply(exchange.send, exchange.frame, identified);
    const reply = exchange.reply;
    if (reply === undefined || exchange.type !== 'identify' || frameType(exchange.replyFrame) !== 'identified') continue;
    identified = true;
    connection.identities.push({
      agentId: stringField(exchange.replyFrame, 'agent_id') ?? stringField(exchange.frame, 'agent_id') ?? connection.actor,
      capabilities: capabilityNames(exchange.frame?.capabilities),
      exchange,
      at: reply.t,
    });
  }
  for (const reply of byPosition) {
    const error = stringField(asObject(reply.payload.frame), 'error');
    const exchange = open(reply, (e) => e.expectsReply && likelyAnswers(error, e)) ?? open(reply, (e) => e.expectsReply);
    if (exchange === undefined) connection.unasked.push(reply);
    else answer(exchange, reply);
  }
  connection.exchanges.push(...exchanges);
  for (const recv of recvs) {
    const frame = asObject(recv.payload.frame);
    if (frame !== undefined && !isReply(frame)) connection.pushes.push({ event: recv, frame });
  }
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
