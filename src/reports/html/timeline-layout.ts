import { readConnections } from '../../../models/connections.js';
import type { HistoryEvent, WsRecvEvent, WsSendEvent } from '../../../models/history.js';
import type { SimStep } from '../../sim/scheduler.js';
import { HTTP_LANE, laneOf, taskOf } from './event-text.js';

/** Vertical px between successive events: one event a row, so labels never collide. */
export const ROW = 18;
/** A quiet stretch between two events adds this many px per ms, up to MAX_GAP; longer ones are drawn as a break. */
const PX_PER_MS = 2;
const MAX_GAP = 40;
const TOP = 16;

export interface Row {
  event: HistoryEvent;
  y: number;
  lane: string | null;
  task: string | undefined;
}

export interface Lane {
  key: string;
  actor: string;
  conn: number | null;
  /** Where the connection was open (the HTTP lane: the whole run). */
  from: number;
  to: number;
  /** Side-by-side tracks its spans need so that overlapping ones stay apart. */
  tracks: number;
}

/** An HTTP exchange from sent to answered, or a frame and the hub's reply. */
export interface Span {
  lane: string;
  track: number;
  y1: number;
  y2: number;
  task: string | undefined;
}

/** Something drawn across every lane. */
export interface Rule {
  y: number;
  kind: 'action' | 'phase' | 'hub' | 'kill' | 'reconnect';
  seq: number;
}

export interface Band {
  phase: string;
  y1: number;
  y2: number;
}

/** A quiet stretch longer than the timeline gives room for. */
export interface Break {
  y1: number;
  y2: number;
  ms: number;
}

export interface TimelineLayout {
  rows: Row[];
  lanes: Lane[];
  spans: Span[];
  rules: Rule[];
  bands: Band[];
  breaks: Break[];
  /** Simulation steps taken out of natural order, where they happened. */
  departures: Array<{ y: number; step: SimStep }>;
  /** The other half of each WebSocket exchange, by seq. */
  partners: Map<number, WsSendEvent | WsRecvEvent>;
  /** Tasks in the order they first appear: the order of their colours. */
  tasks: string[];
  height: number;
}

function placeRows(history: readonly HistoryEvent[]): { rows: Row[]; breaks: Break[] } {
  const rows: Row[] = [];
  const breaks: Break[] = [];
  let y = TOP;
  for (const event of history) {
    if (event.kind === 'run_start') continue;
    const previous = rows.at(-1);
    if (previous !== undefined) {
      const ms = event.t - previous.event.t;
      const stretch = ms * PX_PER_MS;
      y += ROW + Math.min(MAX_GAP, stretch);
      if (stretch > MAX_GAP) breaks.push({ y1: previous.y, y2: y, ms });
    }
    rows.push({ event, y, lane: laneOf(event), task: taskOf(event) });
  }
  return { rows, breaks };
}

/** y of history time `t`: after every event recorded at or before it, interpolated towards the next. */
function timeToY(rows: readonly Row[]): (t: number) => number {
  return (t) => {
    let i = rows.findIndex((row) => row.event.t > t) - 1;
    if (i === -2) i = rows.length - 1;
    const before = rows[i];
    const after = rows[i + 1];
    if (before === undefined) return rows[0]?.y ?? TOP;
    if (after === undefined) return before.y;
    return before.y + ((after.y - before.y) * (t - before.event.t)) / (after.event.t - before.event.t);
  };
}

/** Greedy interval colouring: each span takes the first track free at its start. */
function assignTracks(spans: Array<Omit<Span, 'track'>>): Span[] {
  const ends = new Map<string, number[]>();
  return [...spans]
    .sort((a, b) => a.y1 - b.y1)
    .map((span) => {
      const laneEnds = ends.get(span.lane) ?? [];
      ends.set(span.lane, laneEnds);
      let track = laneEnds.findIndex((end) => end < span.y1);
      if (track === -1) track = laneEnds.length;
      laneEnds[track] = span.y2;
      return { ...span, track };
    });
}

/**
 * What an event marks across the lanes. `teardown` is the seq of the teardown
 * phase: it kills every socket, and those kills are not news.
 */
function ruleOf(event: HistoryEvent, teardown: number, seenActors: Set<string>): Rule['kind'] | undefined {
  switch (event.kind) {
    case 'action':
    case 'phase':
    case 'hub':
      return event.kind;
    case 'ws_open': {
      const again = seenActors.has(event.actor);
      seenActors.add(event.actor);
      return again && event.seq < teardown ? 'reconnect' : undefined;
    }
    case 'ws_close':
      return event.payload.by === 'client_kill' && event.seq < teardown ? 'kill' : undefined;
    default:
      return undefined;
  }
}

/**
 * Where everything of one run goes: one row per event (time runs down,
 * quiet stretches compressed), one lane per connection and one for HTTP,
 * spans for exchanges, rules across the lanes for what concerns them all.
 */
export function layoutTimeline(history: readonly HistoryEvent[], trace: readonly SimStep[]): TimelineLayout {
  const { rows, breaks } = placeRows(history);
  const height = (rows.at(-1)?.y ?? TOP) + ROW + TOP;
  const yAt = timeToY(rows);
  const rowOf = new Map(rows.map((row) => [row.event.seq, row]));

  const connections = [...readConnections(history).values()];
  const partners = new Map<number, WsSendEvent | WsRecvEvent>();
  const drafts: Array<Omit<Span, 'track'>> = [];
  for (const connection of connections) {
    for (const { send, reply } of connection.exchanges) {
      const from = rowOf.get(send.seq);
      const to = reply === undefined ? undefined : rowOf.get(reply.seq);
      if (reply === undefined || from === undefined || to === undefined) continue;
      partners.set(send.seq, reply).set(reply.seq, send);
      drafts.push({ lane: `conn-${connection.conn}`, y1: from.y, y2: to.y, task: from.task ?? to.task });
    }
  }
  for (const row of rows) {
    if (row.event.kind === 'http') drafts.push({ lane: HTTP_LANE, y1: yAt(row.event.payload.sentAt), y2: row.y, task: row.task });
  }
  const spans = assignTracks(drafts);

  const lanes: Lane[] = [{ key: HTTP_LANE, actor: 'HTTP', conn: null, from: TOP - ROW / 2, to: height, tracks: 0 }];
  const connLanes = connections.map((connection): Lane => {
    const key = `conn-${connection.conn}`;
    const first = connection.open ?? rows.find((row) => row.lane === key)?.event;
    const from = (first === undefined ? undefined : rowOf.get(first.seq)?.y) ?? TOP;
    const to = (connection.close === undefined ? undefined : rowOf.get(connection.close.seq)?.y) ?? height;
    return { key, actor: connection.actor, conn: connection.conn, from, to, tracks: 0 };
  });
  const actorOrder = [...new Set(connLanes.map((lane) => lane.actor))];
  connLanes.sort((a, b) => actorOrder.indexOf(a.actor) - actorOrder.indexOf(b.actor) || (a.conn ?? 0) - (b.conn ?? 0));
  lanes.push(...connLanes);
  for (const lane of lanes) lane.tracks = Math.max(0, ...spans.filter((s) => s.lane === lane.key).map((s) => s.track + 1));

  const teardown = rows.find((row) => row.event.kind === 'phase' && row.event.payload.name === 'teardown')?.event.seq ?? Infinity;
  const seenActors = new Set<string>();
  const rules: Rule[] = [];
  for (const row of rows) {
    const kind = ruleOf(row.event, teardown, seenActors);
    if (kind !== undefined) rules.push({ y: row.y, kind, seq: row.event.seq });
  }

  const phases = rows.flatMap((row) => (row.event.kind === 'phase' ? [{ phase: row.event.payload.name, y: row.y }] : []));
  const bands = phases.map(({ phase, y }, i) => ({ phase, y1: y, y2: phases[i + 1]?.y ?? height }));

  const tasks = [...new Set(rows.flatMap((row) => (row.task === undefined ? [] : [row.task])))];
  const departures = trace.filter((step) => step.pick > 0).map((step) => ({ y: yAt(step.t), step }));
  return { rows, lanes, spans, rules, bands, breaks, departures, partners, tasks, height };
}
