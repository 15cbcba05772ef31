import { readAgents, type AgentRecord } from './agents.js';
import { readConnections, type Connection } from './connections.js';
import type { HistoryEvent, HttpEvent, RunStartEvent, TaskView, TimerSettings } from './history.js';
import { anchorHubClock, type HubClock } from './hub-clock.js';
import { listedTasks, routeOf } from './http-views.js';
import { connectionLives, readOutages, type HubOutage } from './outages.js';
import { queuedSpansOf, readTasks, type TaskRecord } from './tasks.js';

/** A full listing: unfiltered GET /api/tasks (`main`) or GET /api/tasks/dead-letter, answered 200. */
export interface Listing {
  event: HttpEvent;
  kind: 'main' | 'dead_letter';
  tasks: TaskView[];
  ids: ReadonlySet<string>;
}

/** The last answers of the run: snapshot phase (listings fall back to the quiesce phase). */
export interface FinalSnapshot {
  main?: Listing;
  deadLetter?: Listing;
  stats?: HttpEvent;
  agentStates?: HttpEvent;
}

/** Everything the invariants share, derived once from a history. */
export interface Model {
  runStart: RunStartEvent;
  timers: TimerSettings;
  /** Agents whose tasks and sessions we judge: run_start.agentIds and the janitor. */
  ourAgents: ReadonlySet<string>;
  clock: HubClock;
  /** The events judged: everything before the teardown phase. */
  events: readonly HistoryEvent[];
  /** `t` of the last judged event. */
  end: number;
  outages: HubOutage[];
  connections: Map<number, Connection>;
  /** The life of the hub a connection belongs to (see `connectionLives`). */
  lifeOf: (conn: number) => number;
  /** Tasks we submitted (201), by id. */
  tasks: Map<string, TaskRecord>;
  agents: Map<string, AgentRecord>;
  http: HttpEvent[];
  /** In history order. */
  listings: Listing[];
  final: FinalSnapshot;
}

function judgedEvents(history: readonly HistoryEvent[]): HistoryEvent[] {
  const teardown = history.findIndex((e) => e.kind === 'phase' && e.payload.name === 'teardown');
  return teardown === -1 ? [...history] : history.slice(0, teardown);
}

function phaseStart(events: readonly HistoryEvent[], name: 'quiesce' | 'snapshot'): number | undefined {
  return events.find((e) => e.kind === 'phase' && e.payload.name === name)?.seq;
}

function readListings(http: readonly HttpEvent[]): Listing[] {
  const listings: Listing[] = [];
  for (const event of http) {
    const route = routeOf(event);
    const kind = route.kind === 'list' && !route.filtered ? 'main' : route.kind === 'dead_letter' ? 'dead_letter' : undefined;
    const tasks = event.payload.status === 200 ? listedTasks(event.payload.response) : undefined;
    if (kind === undefined || tasks === undefined) continue;
    listings.push({ event, kind, tasks, ids: new Set(tasks.map((t) => t.id)) });
  }
  return listings;
}

/** Answers recorded after the phase began (by seq: the runner starts a phase before its requests). */
function readFinal(http: readonly HttpEvent[], listings: readonly Listing[], quiesceAt?: number, snapshotAt?: number): FinalSnapshot {
  const since = (from: number | undefined) => (e: HttpEvent) => from !== undefined && e.seq > from;
  const lastListing = (kind: Listing['kind']): Listing | undefined => {
    const ofKind = listings.filter((l) => l.kind === kind);
    return ofKind.filter((l) => since(snapshotAt)(l.event)).pop() ?? ofKind.filter((l) => since(quiesceAt)(l.event)).pop();
  };
  const lastAnswer = (kind: 'stats' | 'agent_states'): HttpEvent | undefined =>
    http.filter((e) => since(snapshotAt)(e) && e.payload.status === 200 && routeOf(e).kind === kind).pop();
  return {
    main: lastListing('main'),
    deadLetter: lastListing('dead_letter'),
    stats: lastAnswer('stats'),
    agentStates: lastAnswer('agent_states'),
  };
}

export function buildModel(history: readonly HistoryEvent[]): Model {
  const events = judgedEvents(history);
  const runStart = events.find((e): e is RunStartEvent => e.kind === 'run_start');
  if (runStart === undefined) throw new Error('history has no run_start event');
  const { timers, agentIds, janitorId, wallClockOrigin } = runStart.payload;
  const http = events.filter((e): e is HttpEvent => e.kind === 'http');
  const connections = readConnections(events);
  const tasks = readTasks(http, connections.values());
  const clock = anchorHubClock(
    wallClockOrigin,
    [...tasks.values()].map(({ submission: s }) => ({
      hubMs: s.createdAt,
      sentAt: s.event.payload.sentAt,
      receivedAt: s.event.t,
    })),
  );
  for (const task of tasks.values()) task.queuedSpans = queuedSpansOf(task, clock);
  const outages = readOutages(events);
  const end = events[events.length - 1]?.t ?? 0;
  const ourAgents = new Set([...agentIds, janitorId]);
  const listings = readListings(http);
  return {
    runStart,
    timers,
    ourAgents,
    clock,
    events,
    end,
    outages,
    connections,
    lifeOf: connectionLives(outages, connections),
    tasks,
    agents: readAgents(ourAgents, connections.values(), tasks.values(), outages, timers, end),
    http,
    listings,
    final: readFinal(http, listings, phaseStart(events, 'quiesce'), phaseStart(events, 'snapshot')),
  };
}
