import type { TimerSettings } from '../../models/history.js';

export type { TimerSettings };

/** The real AgentCom hub's timer values (docs/protocol.md#timers). */
export const AGENTCOM_TIMERS: Readonly<TimerSettings> = Object.freeze({
  acceptanceMs: 60_000,
  overdueSweepMs: 30_000,
  stuckSweepMs: 30_000,
  stuckThresholdMs: 300_000,
  wsIdleMs: 60_000,
});

export type TimerHandle = unknown;

/**
 * Where the hub gets its time. Real time by default; a deterministic simulation
 * passes a virtual clock and fires timers itself.
 */
export interface HubClock {
  /** Wall-clock milliseconds since the epoch (what `created_at`, `assigned_at` carry). */
  now(): number;
  /**
   * `what` names the timer where timers are traced (the simulation); a real
   * clock ignores it, and `routine` (see `Clock.setTimeout`).
   */
  setTimeout(fn: () => void, ms: number, what?: string, routine?: boolean): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
  /**
   * Runs `fn` as a separate event soon after the current one, as a process
   * messaging itself would. A real clock uses `setImmediate`, so frames and
   * closes already read from the sockets go first, as messages already in a
   * mailbox would; the virtual clock puts it first in the natural order, so
   * only a generated schedule can put something in between.
   */
  runNext(fn: () => void, what: string): void;
}

export interface HubOptions {
  /** Interface to bind; only loopback addresses are accepted. Default 127.0.0.1. */
  host?: string;
  /** 0 picks an ephemeral port. Default 0. */
  port?: number;
  /** State directory. Default: a fresh temp dir that `stop()` deletes. */
  dataDir?: string;
  /** Any timer left out takes the real hub's value (AGENTCOM_TIMERS). */
  timers?: Partial<TimerSettings>;
  clock?: HubClock;
  /** Agent ids allowed to call /api/admin/reset. Default ['admin']. */
  adminAgents?: string[];
  /** Deliberate defects from the fault catalogue (src/hub/faults). Default none. */
  faults?: string[];
  /**
   * Told when the hub died by itself (fault `progress-crashes-hub`): it has
   * closed its listener and every socket, and stays down until `restart()`.
   */
  onCrash?: () => void;
}

export interface HubHandle {
  /** http://127.0.0.1:PORT */
  url: string;
  /** ws://127.0.0.1:PORT/ws */
  wsUrl: string;
  port: number;
  dataDir: string;
  /** Token of the built-in `admin` agent. Never print it. */
  adminToken: string;
  timers: TimerSettings;
  /**
   * Stop and start again on the same port and data dir. With `crash`, every
   * socket is destroyed without a close frame and nothing is flushed first:
   * only what was durable survives.
   */
  restart(options?: { crash?: boolean }): Promise<void>;
  /** Close every socket and timer, and delete the data dir if the hub made it. */
  stop(): Promise<void>;
}
