/**
 * Writes small histories for the model's tests, playing a tiny hub so that
 * views, acks and errors come out consistent unless a test says otherwise.
 */
import type { HistoryEvent, TaskView, TimerSettings } from '../../../models/history.js';

type NewEvent = HistoryEvent extends infer E ? (E extends HistoryEvent ? Omit<E, 'seq' | 't'> : never) : never;

export const TEST_TIMERS: TimerSettings = {
  acceptanceMs: 1_000,
  overdueSweepMs: 200,
  stuckSweepMs: 200,
  stuckThresholdMs: 5_000,
  wsIdleMs: 10_000,
};

export const ORIGIN = 1_700_000_000_000;

export interface BuilderOptions {
  agentIds?: string[];
  janitorId?: string;
  timers?: Partial<TimerSettings>;
}

export interface SubmitOptions {
  priority?: 'urgent' | 'high' | 'normal' | 'low';
  needs?: string[];
  maxRetries?: number;
  completeBy?: number | null;
}

/** `auto` lets the tiny hub decide; `ack` forces an acknowledgement; `none` leaves the frame unanswered; else an error string. */
export type Reply = 'auto' | 'ack' | 'none' | string;

export interface ReportOptions {
  generation?: unknown;
  result?: unknown;
  tokensUsed?: number;
  reply?: Reply;
}

const PRIORITIES = { urgent: 0, high: 1, normal: 2, low: 3 } as const;

export class HistoryBuilder {
  readonly events: HistoryEvent[] = [];
  private now = 0;
  private nextConn = 1;
  private nextHttp = 1;
  private nextTask = 1;
  private readonly agentOf = new Map<number, string>();
  private readonly capabilitiesOf = new Map<number, string[]>();
  private readonly openConns = new Set<number>();
  private readonly state = new Map<string, TaskView>();

  constructor(options: BuilderOptions = {}) {
    this.record({
      actor: 'runner',
      kind: 'run_start',
      payload: {
        seed: 1,
        target: 'embedded',
        timers: { ...TEST_TIMERS, ...options.timers },
        agentIds: options.agentIds ?? ['a1', 'a2', 'a3'],
        capabilityPool: ['python', 'gpu', 'web'],
        janitorId: options.janitorId ?? 'janitor',
        wallClockOrigin: ORIGIN,
        faults: [],
      },
    });
    this.phase('actions');
  }

  /** Later events happen at history time `t`. */
  at(t: number): this {
    this.now = t;
    return this;
  }

  get time(): number {
    return this.now;
  }

  record(event: NewEvent): number {
    const seq = this.events.length;
    this.events.push({ ...event, seq, t: this.now } as HistoryEvent);
    return seq;
  }

  phase(name: 'actions' | 'quiesce' | 'snapshot' | 'teardown'): this {
    this.record({ actor: 'runner', kind: 'phase', payload: { name } });
    return this;
  }

  hub(event: 'restart_begin' | 'restart_end', crash = false): this {
    this.record({ actor: 'hub', kind: 'hub', payload: { event, crash } });
    if (event === 'restart_begin') for (const conn of [...this.openConns]) this.close(conn, 'server', 1006);
    return this;
  }

  // --- WebSocket ---

  open(actor: string): number {
    const conn = this.nextConn++;
    this.record({ actor, kind: 'ws_open', payload: { conn } });
    this.openConns.add(conn);
    return conn;
  }

  send(conn: number, frame: unknown): number {
    return this.record({ actor: this.actor(conn), kind: 'ws_send', payload: { conn, frame } });
  }

  recv(conn: number, frame: unknown): number {
    return this.record({ actor: this.actor(conn), kind: 'ws_recv', payload: { conn, frame } });
  }

  close(conn: number, by: 'client_kill' | 'client_close' | 'server' = 'client_kill', code = 1006, reason = ''): this {
    this.record({ actor: this.actor(conn), kind: 'ws_close', payload: { conn, code, reason, by } });
    this.openConns.delete(conn);
    return this;
  }

  /** Opens a connection and identifies it (identify frame and `identified` reply). */
  connect(agentId: string, capabilities: unknown[] = []): number {
    const conn = this.open(agentId);
    this.send(conn, { type: 'identify', agent_id: agentId, token: 'f'.repeat(64), capabilities });
    this.recv(conn, { type: 'identified', agent_id: agentId });
    this.agentOf.set(conn, agentId);
    this.capabilitiesOf.set(conn, capabilities.map((c) => (typeof c === 'string' ? c : String((c as { name: string }).name))));
    return conn;
  }

  /** The hub assigns the task to the connection's agent and pushes it; returns the generation. */
  assign(conn: number, taskId: string, generation?: number): number {
    const task = this.task(taskId);
    task.generation = generation ?? task.generation + 1;
    Object.assign(task, { status: 'assigned', assigned_to: this.agentOf.get(conn) ?? null, assigned_at: this.hubNow() });
    task.updated_at = this.hubNow();
    this.recv(conn, {
      type: 'task_assign',
      task_id: taskId,
      description: task.description,
      metadata: {},
      generation: task.generation,
      assigned_at: this.hubNow(),
    });
    return task.generation;
  }

  /** The hub takes the task back (reclaim): queued at the next generation. No event is recorded. */
  reclaim(taskId: string): this {
    const task = this.task(taskId);
    Object.assign(task, { status: 'queued', assigned_to: null, assigned_at: null, generation: task.generation + 1, updated_at: this.hubNow() });
    return this;
  }

  accept(conn: number, taskId: string, reply: Reply = 'auto'): number {
    const send = this.send(conn, { type: 'task_accepted', task_id: taskId });
    const owns = this.state.get(taskId)?.assigned_to === this.agentOf.get(conn);
    this.answer(conn, reply, owns ? undefined : 'task_accept_failed: not_assignee', { type: 'task_ack', task_id: taskId, status: 'accepted' });
    return send;
  }

  complete(conn: number, taskId: string, options: ReportOptions = {}): number {
    const task = this.state.get(taskId);
    const generation = 'generation' in options ? options.generation : task?.generation;
    const frame: Record<string, unknown> = { type: 'task_complete', task_id: taskId, generation };
    if (options.result !== undefined) frame.result = options.result;
    if (options.tokensUsed !== undefined) frame.tokens_used = options.tokensUsed;
    const send = this.send(conn, frame);
    const acked = this.answer(conn, options.reply ?? 'auto', this.rejection('task_complete_failed', conn, taskId, generation), {
      type: 'task_ack',
      task_id: taskId,
      status: 'complete',
    });
    if (acked && task) {
      Object.assign(task, { status: 'completed', result: options.result ?? {}, tokens_used: options.tokensUsed ?? null, updated_at: this.hubNow() });
    }
    return send;
  }

  fail(conn: number, taskId: string, options: ReportOptions = {}): number {
    const task = this.state.get(taskId);
    const generation = 'generation' in options ? options.generation : task?.generation;
    const send = this.send(conn, { type: 'task_failed', task_id: taskId, generation, error: 'boom' });
    const deadLetters = task !== undefined && task.retry_count + 1 >= task.max_retries;
    const acked = this.answer(conn, options.reply ?? 'auto', this.rejection('task_fail_failed', conn, taskId, generation), {
      type: 'task_ack',
      task_id: taskId,
      status: deadLetters ? 'dead_letter' : 'retried',
    });
    if (acked && task) {
      task.retry_count += 1;
      if (deadLetters) Object.assign(task, { status: 'dead_letter', updated_at: this.hubNow() });
      else this.reclaim(taskId);
    }
    return send;
  }

  // --- HTTP ---

  http(method: string, path: string, status: number | null, response?: unknown, body?: unknown): number {
    return this.record({
      actor: 'http',
      kind: 'http',
      payload: { id: this.nextHttp++, method, path, body, sentAt: this.now - 1, status, response },
    });
  }

  submit(options: SubmitOptions = {}): string {
    const id = `task-${String(this.nextTask++).padStart(16, '0')}`;
    const priority = PRIORITIES[options.priority ?? 'normal'];
    const body = {
      description: `work ${id}`,
      priority: options.priority ?? 'normal',
      needed_capabilities: options.needs ?? [],
      max_retries: options.maxRetries ?? 3,
      complete_by: options.completeBy ?? null,
    };
    this.state.set(id, {
      id,
      description: body.description,
      metadata: {},
      priority,
      status: 'queued',
      assigned_to: null,
      assigned_at: null,
      generation: 0,
      retry_count: 0,
      max_retries: body.max_retries,
      needed_capabilities: body.needed_capabilities,
      last_error: null,
      complete_by: body.complete_by,
      result: null,
      tokens_used: null,
      submitted_by: 'admin',
      created_at: this.hubNow(),
      updated_at: this.hubNow(),
      history: [],
    });
    this.http('POST', '/api/tasks', 201, { status: 'queued', task_id: id, priority, created_at: this.hubNow() }, body);
    return id;
  }

  retry(taskId: string): number {
    const task = this.task(taskId);
    Object.assign(task, { status: 'queued', retry_count: 0, generation: task.generation + 1, updated_at: this.hubNow() });
    return this.http('POST', `/api/tasks/${taskId}/retry`, 200, { status: 'requeued', task_id: taskId, priority: task.priority });
  }

  /** The current view of a task, with `changes` applied (to fake a wrong answer). */
  view(taskId: string, changes: Partial<TaskView> = {}): TaskView {
    return { ...this.task(taskId), ...changes };
  }

  listTasks(override?: TaskView[]): number {
    const tasks = override ?? [...this.state.values()].filter((t) => t.status !== 'dead_letter').map((t) => ({ ...t }));
    return this.http('GET', '/api/tasks', 200, { tasks, count: tasks.length });
  }

  listDeadLetter(override?: TaskView[]): number {
    const tasks = override ?? [...this.state.values()].filter((t) => t.status === 'dead_letter').map((t) => ({ ...t }));
    return this.http('GET', '/api/tasks/dead-letter', 200, { tasks, count: tasks.length });
  }

  getTask(taskId: string, override?: TaskView): number {
    return this.http('GET', `/api/tasks/${taskId}`, 200, override ?? this.view(taskId));
  }

  stats(): number {
    const byStatus: Record<string, number> = {};
    for (const t of this.state.values()) if (t.status !== 'dead_letter') byStatus[t.status] = (byStatus[t.status] ?? 0) + 1;
    const deadLetter = [...this.state.values()].filter((t) => t.status === 'dead_letter').length;
    return this.http('GET', '/api/tasks/stats', 200, { by_status: byStatus, by_priority: {}, dead_letter: deadLetter, queued_index_size: 0 });
  }

  agentStates(override?: unknown[]): number {
    const agents =
      override ??
      [...new Set([...this.openConns].map((c) => this.agentOf.get(c)).filter((a): a is string => a !== undefined))].map((agentId) => ({
        agent_id: agentId,
        fsm_state: 'idle',
        current_task_id: [...this.state.values()].find((t) => t.status === 'assigned' && t.assigned_to === agentId)?.id ?? null,
        capabilities: [],
        flags: [],
      }));
    return this.http('GET', '/api/agents/states', 200, { agents });
  }

  /** The runner's final snapshot phase, answered from the tiny hub's state. */
  snapshot(): this {
    this.phase('snapshot');
    this.listTasks();
    this.listDeadLetter();
    this.stats();
    this.agentStates();
    return this;
  }

  build(): HistoryEvent[] {
    return this.events;
  }

  private hubNow(): number {
    return ORIGIN + this.now;
  }

  private actor(conn: number): string {
    const open = this.events.find((e) => e.kind === 'ws_open' && e.payload.conn === conn);
    return open?.actor ?? 'unknown';
  }

  private task(taskId: string): TaskView {
    const task = this.state.get(taskId);
    if (task === undefined) throw new Error(`no task ${taskId}`);
    return task;
  }

  private rejection(prefix: string, conn: number, taskId: string, generation: unknown): string | undefined {
    const task = this.state.get(taskId);
    if (task === undefined || task.status === 'dead_letter') return `${prefix}: not_found`;
    if (task.status !== 'assigned') return `${prefix}: invalid_state`;
    if (task.assigned_to !== this.agentOf.get(conn)) return `${prefix}: not_assignee`;
    if (generation !== task.generation) return `${prefix}: stale_generation`;
    return undefined;
  }

  /** Records the reply; true when it was the acknowledgement. */
  private answer(conn: number, reply: Reply, rejection: string | undefined, ack: Record<string, unknown>): boolean {
    if (reply === 'none') return false;
    if (reply === 'ack' || (reply === 'auto' && rejection === undefined)) {
      this.recv(conn, ack);
      return true;
    }
    this.recv(conn, { type: 'error', error: reply === 'auto' ? rejection : reply });
    return false;
  }
}
