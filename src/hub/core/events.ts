import type { StoreRecord } from './durable.js';
import type { JsonObject } from './json.js';
import type { TimerSpec } from './state.js';

/** An HTTP request as the shell hands it over: the body already read (and within the size limit). */
export interface HttpRequest {
  method: string;
  /** The request target, e.g. `/api/tasks?status=queued`. */
  target: string;
  authorization: string | undefined;
  contentType: string | undefined;
  body: string;
}

/**
 * Work the core asked to be handed back as a separate event, delivered next
 * (fault `complete-check-then-act` only: a completion applied apart from its check).
 */
export interface FollowUp {
  kind: 'apply_completion';
  connId: number;
  taskId: string;
  result: JsonObject;
  tokensUsed: number | null;
}

/** Something that happened, stamped with the time it happened at. */
export type HubEvent = { now: number } & (
  | { type: 'ws_open'; connId: number }
  | { type: 'ws_text'; connId: number; text: string }
  | { type: 'ws_binary'; connId: number }
  /** A WebSocket control frame (ping or pong): it only counts as activity. */
  | { type: 'ws_activity'; connId: number }
  | { type: 'ws_closed'; connId: number }
  | { type: 'http'; reqId: number; request: HttpRequest }
  | { type: 'timer'; timerId: string }
  | { type: 'follow_up'; work: FollowUp }
);

/**
 * What the shell must do. Records of one event come first as one `persist`;
 * the sends, closes and replies after it must not go out before it is durable.
 */
export type Effect =
  | { type: 'persist'; records: StoreRecord[] }
  | { type: 'send'; connId: number; frame: Record<string, unknown> }
  | { type: 'close'; connId: number; code: number; reason: string }
  | { type: 'reply'; reqId: number; status: number; body: Record<string, unknown> }
  | { type: 'set_timer'; timer: TimerSpec }
  | { type: 'cancel_timer'; timerId: string }
  /** Hand `work` back as the next event, before anything else that waits. */
  | { type: 'follow_up'; work: FollowUp }
  /** Stop at once, answering nothing more (fault `progress-crashes-hub`): the shell decides how to die. */
  | { type: 'crash' }
  /** Answer nothing, and take no event, for `ms` (fault `stall-after-dead-letter`); then go on in order. */
  | { type: 'stall'; ms: number };
