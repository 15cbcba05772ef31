import { CLOCK_SLACK_MS } from './bounds.js';

export interface TimeWindow {
  earliest: number;
  latest: number;
}

/**
 * Converts between hub timestamps (epoch ms) and history time `t`.
 *
 * `hubMs - wallClockOrigin = t + offset`, and the offset is not assumed to be
 * zero (a remote hub has its own clock): every 201 answer pins it, since the
 * task's `created_at` was taken between the request leaving and the answer
 * arriving. Without anchors the clocks are taken to be the same one.
 */
export interface HubClock {
  toHistory(hubMs: number): TimeWindow;
  toHub(t: number): TimeWindow;
}

export interface ClockAnchor {
  hubMs: number;
  sentAt: number;
  receivedAt: number;
}

export function anchorHubClock(wallClockOrigin: number, anchors: readonly ClockAnchor[]): HubClock {
  const ranges = anchors.map((a) => ({
    lo: a.hubMs - wallClockOrigin - a.receivedAt,
    hi: a.hubMs - wallClockOrigin - a.sentAt,
  }));
  let lo = Math.max(...ranges.map((r) => r.lo));
  let hi = Math.min(...ranges.map((r) => r.hi));
  if (ranges.length === 0) {
    lo = 0;
    hi = 0;
  } else if (lo > hi) {
    // Anchors disagree (clock stepped or drifted): fall back to their hull.
    lo = Math.min(...ranges.map((r) => r.lo));
    hi = Math.max(...ranges.map((r) => r.hi));
  }
  lo -= CLOCK_SLACK_MS;
  hi += CLOCK_SLACK_MS;
  return {
    toHistory: (hubMs) => ({ earliest: hubMs - wallClockOrigin - hi, latest: hubMs - wallClockOrigin - lo }),
    toHub: (t) => ({ earliest: t + wallClockOrigin + lo, latest: t + wallClockOrigin + hi }),
  };
}
