import type { HistoryEvent } from './history.js';

/** The hub down: from `restart_begin` (or `stop`) to `restart_end` (Infinity if it never came back). */
export interface HubOutage {
  from: number;
  to: number;
  seq: number;
  crash: boolean;
}

export function readOutages(events: readonly HistoryEvent[]): HubOutage[] {
  const outages: HubOutage[] = [];
  let open: HubOutage | undefined;
  for (const event of events) {
    if (event.kind !== 'hub') continue;
    if (event.payload.event === 'restart_end') {
      if (open !== undefined) open.to = event.t;
      open = undefined;
    } else if (open === undefined) {
      open = { from: event.t, to: Infinity, seq: event.seq, crash: event.payload.crash === true };
      outages.push(open);
    }
  }
  return outages;
}

/** Whether the hub was down at some moment of [from, to]. */
export function outageDuring(outages: readonly HubOutage[], from: number, to: number): HubOutage | undefined {
  return outages.find((o) => o.from <= to && o.to >= from);
}

/** The end of the last outage before `t`, or -Infinity: the hub's timers started afresh then. */
export function lastRestartBefore(outages: readonly HubOutage[], t: number): number {
  let last = -Infinity;
  for (const o of outages) if (o.to <= t) last = Math.max(last, o.to);
  return last;
}
