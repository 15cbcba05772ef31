import type { HistoryEvent, HubEvent } from './history.js';

/**
 * The hub down: from `restart_begin` (or `stop`) to `restart_end`; after a
 * failed restart, to the first answer to a request sent since (Infinity if
 * none came), so a hub that never came back excuses nothing it later served.
 */
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
  for (const outage of outages) {
    if (outage.to !== Infinity) continue;
    const served = events.find((e) => e.kind === 'http' && e.payload.status !== null && e.payload.sentAt >= outage.from);
    if (served !== undefined) outage.to = served.t;
  }
  return outages;
}

/** Restarts after which the hub did not come back up. */
export function failedRestarts(events: readonly HistoryEvent[]): HubEvent[] {
  return events.filter((e): e is HubEvent => e.kind === 'hub' && e.payload.event === 'restart_failed');
}

/**
 * Which life of the hub a connection belongs to: how many outages began
 * before it opened. No session survives a restart, so everything that comes
 * on a connection is from the life it opened in, even what a hub stopping
 * gracefully sends late, or what arrives after the next life began. What a
 * hub did in one life and contradicts in a later one is a change it
 * acknowledged and then lost across the restart (I9), not a new mistake.
 */
export function connectionLives(outages: readonly HubOutage[], connections: ReadonlyMap<number, { open?: { t: number } }>): (conn: number) => number {
  return (conn) => {
    const opened = connections.get(conn)?.open?.t ?? 0;
    let life = 0;
    for (const outage of outages) if (outage.from < opened) life++;
    return life;
  };
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
