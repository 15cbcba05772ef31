import type { TimerSettings } from './history.js';

/**
 * Slack the model grants a networked hub. Every bound errs long: a bound too
 * short flags a correct hub, a bound too long only loses some power.
 */

/** Hub timestamps are whole milliseconds on another clock than `t`. */
export const CLOCK_SLACK_MS = 5;

/** Time a hub on loopback may take to react: schedule, notice a dead socket, answer. */
export const REACTION_SLACK_MS = 500;

/**
 * The hub answers a frame within this while the socket stays open: the
 * fuzzer's clients wait 2 s for a reply and the simulated link adds at most
 * 150 ms.
 */
export const REPLY_OWED_MS = 2_500;

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

/**
 * I6a: how long a task may stay queued while a capable agent is surely idle.
 * Scheduling is event-driven (submission, join, an agent becoming idle,
 * reclaim, retry, completion), so no sweep period belongs in it.
 */
export const QUEUED_WHILE_IDLE_MS = REACTION_SLACK_MS;

export function acceptanceBound(timers: TimerSettings): number {
  return timers.acceptanceMs + REACTION_SLACK_MS;
}

export function overdueBound(timers: TimerSettings): number {
  return timers.overdueSweepMs + REACTION_SLACK_MS;
}

export function stuckBound(timers: TimerSettings): number {
  return timers.stuckThresholdMs + timers.stuckSweepMs + REACTION_SLACK_MS;
}
