import { agentAt, type Connection, type Exchange } from './connections.js';
import { asObject, capabilityNames, isGeneration, numberField, stringField, type JsonObject } from './frames.js';
import type { HttpEvent, TaskView, WsRecvEvent } from './history.js';
import type { HubClock } from './hub-clock.js';
import { asTaskView, listedTasks, routeOf, responseObject } from './http-views.js';

/** A task we submitted: the request and its 201 answer. */
export interface Submission {
  event: HttpEvent;
  body: JsonObject;
  priority: number;
  createdAt: number;
  maxRetries: number;
  neededCapabilities: string[];
  completeBy: number | null;
}

/** The hub telling an agent it holds a task: a `task_assign` push, or `task_continue` answering `task_recovering`. */
export interface TaskPush {
  kind: 'assign' | 'continue';
  event: WsRecvEvent;
  conn: number;
  agentId: string;
  generation: number;
  /** Hub time of an assign (epoch ms). */
  assignedAt?: number;
}

/** A `task_complete`, `task_failed` or `task_accepted` naming the task, and what came of it. */
export interface Report {
  kind: 'complete' | 'fail' | 'accept';
  exchange: Exchange;
  agentId: string;
  /** As sent: only an integer can match. */
  generation: unknown;
  outcome: 'accepted' | 'rejected' | 'unanswered';
  /** `status` of the task_ack. */
  ackStatus?: string;
  /** `error` of the error reply. */
  error?: string;
}

/** One HTTP observation of the task. */
export interface View {
  event: HttpEvent;
  source: 'list' | 'dead_letter' | 'get';
  task: TaskView;
}

/** An assignment (generation and agent) and the evidence it existed. */
export interface Assignment {
  generation: number;
  agentId: string;
  /** `t` of the earliest event proving it existed, and that event's seq. */
  firstSeen: number;
  firstSeq: number;
  push?: TaskPush;
  /** Views showing the task assigned to this agent at this generation. */
  views: View[];
  /** The earliest `assigned_at` (hub ms) those views report. */
  assignedAt?: number;
}

/** The task was queued at `generation`, never assigned, throughout [from, to]. */
export interface QueuedSpan {
  generation: number;
  from: number;
  to: number;
  evidence: number[];
}

export interface TaskRecord {
  id: string;
  submission: Submission;
  /** In history order. */
  pushes: TaskPush[];
  reports: Report[];
  /** Every POST /api/tasks/:id/retry, whatever its answer. */
  retries: HttpEvent[];
  views: View[];
  /** GET /api/tasks/:id answered 404. */
  notFound: HttpEvent[];
  assignments: Assignment[];
  queuedSpans: QueuedSpan[];
}

const DEFAULT_MAX_RETRIES = 3;

function readSubmission(event: HttpEvent): Submission | undefined {
  const answer = responseObject(event);
  const id = stringField(answer, 'task_id');
  const priority = numberField(answer, 'priority');
  const createdAt = numberField(answer, 'created_at');
  if (event.payload.status !== 201 || id === undefined || priority === undefined || createdAt === undefined) {
    return undefined;
  }
  const body = asObject(event.payload.body) ?? {};
  const maxRetries = body.max_retries;
  return {
    event,
    body,
    priority,
    createdAt,
    maxRetries: isGeneration(maxRetries) ? maxRetries : DEFAULT_MAX_RETRIES,
    neededCapabilities: capabilityNames(body.needed_capabilities),
    completeBy: numberField(body, 'complete_by') ?? null,
  };
}

/** Rejections that mean the task is not (or no longer) the sender's at that generation. */
const RELEASING_ERRORS = ['stale_generation', 'invalid_state', 'not_found', 'not_assignee'];

/** Whether the report was rejected because the task was not (or no longer) the sender's at that generation. */
export function saysNotHeld(report: Report): boolean {
  return RELEASING_ERRORS.some((reason) => report.error?.endsWith(`: ${reason}`) === true);
}

const REPORT_KINDS: Record<string, Report['kind']> = {
  task_complete: 'complete',
  task_failed: 'fail',
  task_accepted: 'accept',
};

function readReport(exchange: Exchange, agentId: string): Report | undefined {
  const kind = exchange.type === undefined ? undefined : REPORT_KINDS[exchange.type];
  if (kind === undefined) return undefined;
  const reply = exchange.replyFrame;
  const report: Report = { kind, exchange, agentId, generation: exchange.frame?.generation, outcome: 'unanswered' };
  if (exchange.reply === undefined) return report;
  if (reply?.type === 'task_ack') {
    report.outcome = 'accepted';
    report.ackStatus = stringField(reply, 'status');
  } else {
    report.outcome = 'rejected';
    report.error = stringField(reply, 'error');
  }
  return report;
}

function emptyRecord(submission: Submission, id: string): TaskRecord {
  return {
    id,
    submission,
    pushes: [],
    reports: [],
    retries: [],
    views: [],
    notFound: [],
    assignments: [],
    queuedSpans: [],
  };
}

function collectFromHttp(tasks: Map<string, TaskRecord>, events: readonly HttpEvent[]): void {
  for (const event of events) {
    const route = routeOf(event);
    const status = event.payload.status;
    const addView = (view: TaskView, source: View['source']): void => {
      tasks.get(view.id)?.views.push({ event, source, task: view });
    };
    if (route.kind === 'retry') tasks.get(route.taskId)?.retries.push(event);
    if (status !== 200) {
      if (route.kind === 'get' && status === 404) tasks.get(route.taskId)?.notFound.push(event);
      continue;
    }
    if (route.kind === 'list' || route.kind === 'dead_letter') {
      const source = route.kind === 'list' ? 'list' : 'dead_letter';
      for (const view of listedTasks(event.payload.response) ?? []) addView(view, source);
    } else if (route.kind === 'get') {
      const view = asTaskView(event.payload.response);
      if (view !== undefined && view.id === route.taskId) addView(view, 'get');
    }
  }
}

function collectFromSockets(tasks: Map<string, TaskRecord>, connections: Iterable<Connection>): void {
  for (const connection of connections) {
    for (const push of connection.pushes) {
      const task = tasks.get(stringField(push.frame, 'task_id') ?? '');
      const generation = push.frame.generation;
      if (task === undefined || push.frame.type !== 'task_assign' || !isGeneration(generation)) continue;
      task.pushes.push({
        kind: 'assign',
        event: push.event,
        conn: connection.conn,
        agentId: agentAt(connection, push.event.t),
        generation,
        assignedAt: numberField(push.frame, 'assigned_at'),
      });
    }
    for (const exchange of connection.exchanges) {
      const task = tasks.get(stringField(exchange.frame, 'task_id') ?? '');
      if (task === undefined) continue;
      const agentId = agentAt(connection, exchange.send.t);
      const report = readReport(exchange, agentId);
      if (report !== undefined) task.reports.push(report);
      const generation = exchange.replyFrame?.generation;
      if (exchange.reply !== undefined && exchange.replyFrame?.type === 'task_continue' && isGeneration(generation)) {
        task.pushes.push({ kind: 'continue', event: exchange.reply, conn: connection.conn, agentId, generation });
      }
    }
  }
  for (const task of tasks.values()) {
    task.pushes.sort((a, b) => a.event.seq - b.event.seq);
    task.reports.sort((a, b) => a.exchange.send.seq - b.exchange.send.seq);
  }
}

function assignmentsOf(task: TaskRecord): Assignment[] {
  const byKey = new Map<string, Assignment>();
  const note = (generation: number, agentId: string, t: number, seq: number): Assignment => {
    const key = `${generation}\u0000${agentId}`;
    let assignment = byKey.get(key);
    if (assignment === undefined) {
      assignment = { generation, agentId, firstSeen: t, firstSeq: seq, views: [] };
      byKey.set(key, assignment);
    } else if (t < assignment.firstSeen) {
      assignment.firstSeen = t;
      assignment.firstSeq = seq;
    }
    return assignment;
  };
  for (const push of task.pushes) {
    if (push.kind === 'assign') note(push.generation, push.agentId, push.event.t, push.event.seq).push ??= push;
  }
  for (const view of task.views) {
    const { status, assigned_to: agentId, generation } = view.task;
    if (status !== 'assigned' || typeof agentId !== 'string') continue;
    const assignment = note(generation, agentId, view.event.t, view.event.seq);
    assignment.views.push(view);
    const assignedAt = view.task.assigned_at;
    if (typeof assignedAt === 'number') assignment.assignedAt = Math.min(assignment.assignedAt ?? Infinity, assignedAt);
  }
  return [...byKey.values()];
}

/**
 * The latest moment by which the assignment surely existed: its first sighting,
 * or the push time the hub itself reports (a push lost on a dying socket
 * leaves only that).
 */
export function assignmentBegan(assignment: Assignment, clock: HubClock): number {
  const reported = assignment.assignedAt === undefined ? Infinity : clock.toHistory(assignment.assignedAt).latest;
  return Math.min(assignment.firstSeen, reported);
}

/**
 * Generations only grow and every way out of `queued` bumps the generation, so
 * a task seen queued at generation g at two moments was queued, unassigned, in
 * between. The earliest moment is the latest of: the 201 (g = 0), a `retried`
 * ack of generation g - 1, an earlier view showing it queued at g.
 */
/**
 * Where the task was surely queued. A queued task leaves `queued` only by an
 * assignment, which raises the generation by one: so it stayed queued at
 * generation g from its first sighting at g until the `assigned_at` of the
 * push of g + 1, and any later sighting queued at g extends that too.
 */
export function queuedSpansOf(task: TaskRecord, clock: HubClock): QueuedSpan[] {
  const starts = new Map<number, { t: number; seq: number }>();
  const noteStart = (generation: number, t: number, seq: number): void => {
    const known = starts.get(generation);
    if (known === undefined || t < known.t) starts.set(generation, { t, seq });
  };
  noteStart(0, task.submission.event.t, task.submission.event.seq);
  for (const report of task.reports) {
    const reply = report.exchange.reply;
    if (report.kind === 'fail' && report.ackStatus === 'retried' && isGeneration(report.generation) && reply) {
      noteStart(report.generation + 1, reply.t, reply.seq);
    }
  }
  const ends = new Map<number, { t: number; seq: number }>();
  const noteEnd = (generation: number, t: number, seq: number): void => {
    const known = ends.get(generation);
    if (known === undefined || t > known.t) ends.set(generation, { t, seq });
  };
  for (const view of task.views) {
    if (view.task.status !== 'queued') continue;
    noteStart(view.task.generation, view.event.t, view.event.seq);
    noteEnd(view.task.generation, view.event.payload.sentAt, view.event.seq);
  }
  for (const push of task.pushes) {
    if (push.kind === 'assign' && push.assignedAt !== undefined) {
      noteEnd(push.generation - 1, clock.toHistory(push.assignedAt).earliest, push.event.seq);
    }
  }
  const spans: QueuedSpan[] = [];
  for (const [generation, end] of ends) {
    const start = starts.get(generation);
    if (start === undefined || start.t >= end.t) continue;
    spans.push({ generation, from: start.t, to: end.t, evidence: [start.seq, end.seq] });
  }
  return spans;
}

/** Every task we submitted, with everything the history says about it. */
export function readTasks(httpEvents: readonly HttpEvent[], connections: Iterable<Connection>): Map<string, TaskRecord> {
  const tasks = new Map<string, TaskRecord>();
  for (const event of httpEvents) {
    if (routeOf(event).kind !== 'submit') continue;
    const submission = readSubmission(event);
    const id = stringField(responseObject(event), 'task_id');
    if (submission !== undefined && id !== undefined && !tasks.has(id)) tasks.set(id, emptyRecord(submission, id));
  }
  collectFromHttp(tasks, httpEvents);
  collectFromSockets(tasks, connections);
  for (const task of tasks.values()) {
    task.assignments = assignmentsOf(task);
  }
  return tasks;
}
