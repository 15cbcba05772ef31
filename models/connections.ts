import { OVERSIZE_FRAME_CHARS } from './bounds.js';
import { asObject, capabilityNames, frameType, isReply, stringField, type JsonObject } from './frames.js';
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

/**
 * Pairs every sent frame with its reply. The hub answers a socket's frames in
 * order, so the n-th reply answers the n-th frame that expects one; whether a
 * frame expects one may hang on an earlier identify's answer, which by then
 * is known.
 */
function pairFrames(connection: Connection, sends: WsSendEvent[], recvs: WsRecvEvent[]): void {
  const replies = recvs.filter((e) => isReply(asObject(e.payload.frame)));
  let next = 0;
  let identified = false;
  for (const send of sends) {
    const frame = asObject(send.payload.frame);
    const exchange: Exchange = {
      conn: connection.conn,
      send,
      frame,
      type: frameType(frame),
      expectsReply: expectsReply(send, frame, identified),
      identifiedBefore: identified,
    };
    const reply = exchange.expectsReply ? replies[next] : undefined;
    if (reply !== undefined) {
      next++;
      exchange.reply = reply;
      exchange.replyFrame = asObject(reply.payload.frame);
      if (exchange.type === 'identify' && frameType(exchange.replyFrame) === 'identified') {
        identified = true;
        connection.identities.push({
          agentId: stringField(exchange.replyFrame, 'agent_id') ?? stringField(frame, 'agent_id') ?? connection.actor,
          capabilities: capabilityNames(frame?.capabilities),
          exchange,
          at: reply.t,
        });
      }
    }
    connection.exchanges.push(exchange);
  }
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
      connection = { conn, actor, exchanges: [], pushes: [], identities: [] };
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
