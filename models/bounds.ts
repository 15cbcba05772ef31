import type { TimerSettings } from './history.js';

/**
 * Slack the model grants a networked hub. Every bound errs long: a bound too
 * short flags a correct hub, a bound too long only loses some power.
 */

/** Hub timestamps are whole milliseconds on another clock than `t`. */
export const CLOCK_SLACK_MS = 5;

/** Time a hub on loopback may take to react: schedule, notice a dead socket, answer. */
export const REACTION_SLACK_MS = 500;

/** A socket that went down must have its task reclaimed within this. */
export const DISCONNECT_RECLAIM_MS = 1_000;

/**
 * I5: a task passed over must have been queued this long before, and stay
 * queued this long after, the push it lost to: a scheduling pass that writes
 * each assignment durably may push well after it read the queue.
 */
export const PRIORITY_MARGIN_MS = 50;

/** Frames this large may be refused by closing the socket (1009) instead of answered. */
export const OVERSIZE_FRAME_CHARS = 1024 * 1024 - 1024;

/** I6a: how long a task may stay queued while a capable agent is surely idle. */
export function queuedWhileIdleBound(timers: TimerSettings): number {
  return REACTION_SLACK_MS + Math.max(timers.overdueSweepMs, timers.stuckSweepMs);
}

export function acceptanceBound(timers: TimerSettings): number {
  return timers.acceptanceMs + REACTION_SLACK_MS;
}

export function overdueBound(timers: TimerSettings): number {
  return timers.overdueSweepMs + REACTION_SLACK_MS;
}

export function stuckBound(timers: TimerSettings): number {
  return timers.stuckThresholdMs + timers.stuckSweepMs + REACTION_SLACK_MS;
}
