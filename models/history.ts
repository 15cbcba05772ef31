/**
 * The recorded history of one fuzz run: the only thing the model sees.
 *
 * Everything an actor observed is appended in the order it was observed, with
 * `t` in milliseconds since the run started (monotonic clock). `seq` is the
 * index in the list, so evidence can point at events by number.
 *
 * Actors: an agent id (its WebSocket traffic and its own HTTP calls), `http`
 * (the runner's HTTP client), `runner` (action boundaries, phases), `hub`
 * (hub lifecycle driven by the runner).
 */

export interface TimerSettings {
  acceptanceMs: number;
  overdueSweepMs: number;
  stuckSweepMs: number;
  stuckThresholdMs: number;
  wsIdleMs: number;
}

interface EventBase<K extends string, P> {
  seq: number;
  t: number;
  actor: string;
  kind: K;
  payload: P;
}

/** First event of every run: what the model needs to know about the setup. */
export type RunStartEvent = EventBase<
  'run_start',
  {
    seed: number | null;
    target: 'embedded' | 'remote' | 'sim';
    timers: TimerSettings;
    /** Agent ids the run may use; tasks and agents outside them are not ours. */
    agentIds: string[];
    capabilityPool: string[];
    /** The agent the runner adds in the quiesce phase, capable of every task. */
    janitorId: string;
    /** Date.now() when `t` was 0, to compare hub timestamps with `t`. */
    wallClockOrigin: number;
    faults: string[];
  }
>;

/** One generated action starts; `text` is its readable form. */
export type ActionEvent = EventBase<'action', { index: number; text: string }>;

/** Run phases: `actions`, then `quiesce`, then `snapshot`, then `teardown`. */
export type PhaseEvent = EventBase<'phase', { name: 'actions' | 'quiesce' | 'snapshot' | 'teardown' }>;

/**
 * WebSocket traffic. `conn` numbers connections uniquely within a run, so one
 * agent id may have several (reconnects, a second socket while the first is open).
 * `frame` is the parsed JSON (any JSON value) when the text parsed; otherwise
 * `frame` is undefined and `raw` holds the text. Binary frames have `binary: true`.
 */
export type WsOpenEvent = EventBase<'ws_open', { conn: number }>;
export type WsSendEvent = EventBase<'ws_send', { conn: number; frame?: unknown; raw?: string; binary?: boolean }>;
export type WsRecvEvent = EventBase<'ws_recv', { conn: number; frame?: unknown; raw?: string; binary?: boolean }>;
/**
 * A connection ended. `by`: `client_kill` (we destroyed the TCP socket, no close
 * frame), `client_close` (we sent a close frame), `server` (the hub closed it or
 * the socket dropped under us), `connect_failed` (it never opened).
 */
export type WsCloseEvent = EventBase<
  'ws_close',
  { conn: number; code: number; reason: string; by: 'client_kill' | 'client_close' | 'server' | 'connect_failed' }
>;

/**
 * One HTTP exchange, recorded when it ended. `sentAt` is when the request left
 * (same clock as `t`). `status` is null when no answer came (network error or
 * deadline); then `error` says why. `response` is parsed JSON when it parsed,
 * else the raw text.
 */
export type HttpEvent = EventBase<
  'http',
  {
    id: number;
    method: string;
    path: string;
    body?: unknown;
    sentAt: number;
    status: number | null;
    response?: unknown;
    error?: string;
  }
>;

/**
 * Hub lifecycle done by the runner: `restart` (with `crash`: no clean shutdown), `stop`.
 * `restart_failed`: the hub did not come back up; `error` says why.
 */
export type HubEvent = EventBase<
  'hub',
  { event: 'restart_begin' | 'restart_end' | 'restart_failed' | 'stop'; crash?: boolean; error?: string }
>;

/**
 * After a hostile step the runner asks whether the hub still serves: the
 * status `GET /health` answered (null: no answer), and whether a fresh
 * socket could identify (`identify` is the answer's type or the failure).
 */
export type ProbeEvent = EventBase<'probe', { health: number | null; identified: boolean; identify: string }>;

export type HistoryEvent =
  | RunStartEvent
  | ActionEvent
  | PhaseEvent
  | WsOpenEvent
  | WsSendEvent
  | WsRecvEvent
  | WsCloseEvent
  | HttpEvent
  | HubEvent
  | ProbeEvent;

export type HistoryKind = HistoryEvent['kind'];

/** A task as the hub's HTTP views show it (fields per docs/protocol.md#tasks). */
export interface TaskView {
  id: string;
  description: string;
  metadata: Record<string, unknown>;
  priority: number;
  status: 'queued' | 'assigned' | 'completed' | 'dead_letter';
  assigned_to: string | null;
  assigned_at: number | null;
  generation: number;
  retry_count: number;
  max_retries: number;
  needed_capabilities: string[];
  last_error: string | null;
  complete_by: number | null;
  result: unknown;
  tokens_used: number | null;
  submitted_by: string;
  created_at: number;
  updated_at: number;
  history: Array<{ event: string; timestamp: number; details: unknown }>;
}
