import { OVERSIZE_FRAME_CHARS, REACTION_SLACK_MS } from '../bounds.js';
import { agentAt, sentBinaryBy, type Connection } from '../connections.js';
import { stringField } from '../frames.js';
import type { Model } from '../model.js';
import { outageDuring } from '../outages.js';
import { at, violation, type Violation } from './catalog.js';

const CLOSE_UNSUPPORTED_DATA = 1003;
/** The real hub's answer to a binary frame (the reference hub's is 1003). */
const CLOSE_INTERNAL_ERROR = 1011;
const CLOSE_TOO_BIG = 1009;
const CLOSE_PROTOCOL_ERROR = 1002;
const CLOSE_SESSION_REPLACED = 4001;

/** Frames over the limit for sure: the contract refuses them (1009). */
const REFUSED_FRAME_CHARS = 1024 * 1024;

function sentSize(payload: { frame?: unknown; raw?: string }): number {
  return payload.raw?.length ?? JSON.stringify(payload.frame ?? null).length;
}

/**
 * Whether `connection` took over `agent`'s session by `t`: an acknowledged
 * identify, or one sent whose reply never came (its socket died first, but
 * the hub may have acted on it).
 */
function identifiedAs(connection: Connection, agent: string | undefined, t: number): boolean {
  if (connection.identities.some((identity) => identity.agentId === agent && identity.at <= t + REACTION_SLACK_MS)) return true;
  return connection.exchanges.some(
    (exchange) => exchange.type === 'identify' && exchange.reply === undefined && exchange.send.t <= t && stringField(exchange.frame, 'agent_id') === agent,
  );
}

/** Why the contract let the hub close this socket, or undefined when nothing did. */
function closeReason(model: Model, connection: Connection, code: number, t: number): string | undefined {
  const sends = connection.exchanges.map((e) => e.send).filter((send) => send.t <= t);
  switch (code) {
    case CLOSE_UNSUPPORTED_DATA:
    case CLOSE_INTERNAL_ERROR:
      return sentBinaryBy(connection, t) ? 'binary frame' : undefined;
    case CLOSE_TOO_BIG:
      return sends.some((send) => sentSize(send.payload) >= OVERSIZE_FRAME_CHARS) ? 'oversized frame' : undefined;
    case CLOSE_PROTOCOL_ERROR: {
      const last = Math.max(connection.open?.t ?? 0, ...sends.map((send) => send.t));
      return t - last >= model.timers.wsIdleMs - REACTION_SLACK_MS ? 'idle timeout' : undefined;
    }
    case CLOSE_SESSION_REPLACED: {
      const agent = agentAt(connection, t);
      const replaced = [...model.connections.values()].some((other) => other !== connection && identifiedAs(other, agent, t));
      return replaced ? 'session replaced' : undefined;
    }
    default:
      return undefined;
  }
}

/**
 * H3: the hub closes a socket only where the contract says it may (binary
 * 1003 or 1011, oversized 1009, idle 1002, replaced 4001), and every frame the
 * contract refuses does get its socket closed.
 */
export function hostileCloses(model: Model): Violation[] {
  const out: Violation[] = [];
  for (const connection of model.connections.values()) {
    const close = connection.close;
    const serverClose = close?.payload.by === 'server' ? close : undefined;
    if (serverClose !== undefined && outageDuring(model.outages, serverClose.t - REACTION_SLACK_MS, serverClose.t) === undefined) {
      const { code, reason } = serverClose.payload;
      if (closeReason(model, connection, code, serverClose.t) === undefined) {
        const last = connection.exchanges.filter((e) => e.send.t <= serverClose.t).pop();
        out.push(
          violation('H3', 'unexplained-close', `the hub closed connection ${connection.conn} of ${connection.actor} with ${code} (${JSON.stringify(reason)}) at ${at(serverClose.t)}, which no frame the contract refuses explains`, [
            ...(last ? [last.send.seq] : []),
            serverClose.seq,
          ]),
        );
      }
    }
    const refused = connection.exchanges.find((e) => e.send.payload.binary === true || sentSize(e.send.payload) > REFUSED_FRAME_CHARS);
    if (refused === undefined) continue;
    const stillOpen = close === undefined || (close.payload.by === 'server' ? false : close.t - refused.send.t > REACTION_SLACK_MS);
    if (stillOpen && outageDuring(model.outages, refused.send.t, close?.t ?? model.end) === undefined) {
      const what = refused.send.payload.binary === true ? 'a binary frame' : 'a frame over 1 MiB';
      out.push(violation('H3', 'not-closed', `connection ${connection.conn} of ${connection.actor} sent ${what} at ${at(refused.send.t)} and the hub did not close it`, [refused.send.seq]));
    }
  }
  return out;
}
