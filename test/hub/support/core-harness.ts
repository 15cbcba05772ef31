/**
 * Drives the hub's core directly: no sockets, no disk, a virtual clock.
 * Timers are data in the state, so `advance` fires them in due order.
 */
import type { DurableSnapshot } from '../../../src/hub/core/durable.js';
import { emptySnapshot } from '../../../src/hub/core/durable.js';
import type { Effect, HubEvent } from '../../../src/hub/core/events.js';
import { handleEvent, startCore, type CoreEnv } from '../../../src/hub/core/hub-core.js';
import type { IdSource } from '../../../src/hub/core/ids.js';
import type { HubState } from '../../../src/hub/core/state.js';
import type { Task } from '../../../src/hub/core/task.js';
import { parseFaults } from '../../../src/hub/faults/catalogue.js';
import { AGENTCOM_TIMERS, type TimerSettings } from '../../../src/hub/types.js';

export type Frame = Record<string, any>;

export function countingIds(): IdSource {
  let tasks = 0;
  let tokens = 0;
  return {
    taskId: () => `task-${(++tasks).toString(16).padStart(16, '0')}`,
    token: () => (++tokens).toString(16).padStart(64, '0'),
  };
}

export interface HarnessOptions {
  faults?: string[];
  timers?: Partial<TimerSettings>;
  snapshot?: DurableSnapshot;
  adminAgents?: string[];
}

export class CoreHarness {
  readonly env: CoreEnv;
  readonly state: HubState;
  now = 1_000_000;
  /** Every effect so far, in order. */
  readonly effects: Effect[] = [];
  private nextConn = 1;
  private nextReq = 1;

  constructor(options: HarnessOptions = {}) {
    this.env = {
      ids: countingIds(),
      faults: parseFaults(options.faults ?? []),
      timers: { ...AGENTCOM_TIMERS, ...options.timers },
      adminAgents: new Set(options.adminAgents ?? ['admin']),
    };
    const started = startCore(options.snapshot ?? emptySnapshot(), this.env, this.now);
    this.state = started.state;
    this.effects.push(...started.effects);
  }

  get adminToken(): string {
    return this.state.adminToken;
  }

  event(event: HubEvent extends infer E ? (E extends HubEvent ? Omit<E, 'now'> : never) : never): Effect[] {
    const effects = handleEvent(this.state, { ...event, now: this.now } as HubEvent, this.env);
    this.effects.push(...effects);
    return effects;
  }

  /** Delivers the follow-ups asked for among `effects`: a shell delivers them next, unless a schedule lets something in first. */
  followUps(effects: Effect[]): Effect[] {
    return effects.flatMap((effect) => (effect.type === 'follow_up' ? this.event({ type: 'follow_up', work: effect.work }) : []));
  }

  /** Moves the clock forward, firing every timer that falls due on the way. */
  advance(ms: number): void {
    const target = this.now + ms;
    for (;;) {
      const due = [...this.state.timers.values()]
        .filter((timer) => timer.dueAt <= target)
        .sort((a, b) => a.dueAt - b.dueAt || Number(a.id.slice(1)) - Number(b.id.slice(1)))[0];
      if (due === undefined) break;
      this.now = Math.max(this.now, due.dueAt);
      this.event({ type: 'timer', timerId: due.id });
    }
    this.now = target;
  }

  http(method: string, target: string, body?: unknown, token: string | null = this.adminToken): { status: number; body: Frame } {
    const reqId = this.nextReq++;
    const effects = this.event({
      type: 'http',
      reqId,
      request: {
        method,
        target,
        authorization: token === null ? undefined : `Bearer ${token}`,
        contentType: body === undefined ? undefined : 'application/json',
        body: body === undefined ? '' : JSON.stringify(body),
      },
    });
    const reply = effects.find((effect) => effect.type === 'reply' && effect.reqId === reqId);
    if (reply?.type !== 'reply') throw new Error(`no reply to ${method} ${target}`);
    return { status: reply.status, body: reply.body };
  }

  token(agentId: string): string {
    return this.http('POST', '/admin/tokens', { agent_id: agentId }).body.token as string;
  }

  connect(): number {
    const connId = this.nextConn++;
    this.event({ type: 'ws_open', connId });
    return connId;
  }

  send(connId: number, frame: Frame): Effect[] {
    return this.event({ type: 'ws_text', connId, text: JSON.stringify(frame) });
  }

  /** A connected, identified agent; returns its connection. */
  join(agentId: string, capabilities: unknown[] = []): number {
    const connId = this.connect();
    this.send(connId, { type: 'identify', agent_id: agentId, token: this.token(agentId), capabilities });
    return connId;
  }

  close(connId: number): Effect[] {
    return this.event({ type: 'ws_closed', connId });
  }

  submit(fields: Frame = {}): string {
    const res = this.http('POST', '/api/tasks', { description: 'work', ...fields });
    if (res.status !== 201) throw new Error(`submit failed: ${JSON.stringify(res.body)}`);
    return res.body.task_id as string;
  }

  task(taskId: string): Task {
    const task = this.state.tasks.get(taskId);
    if (task === undefined) throw new Error(`no task ${taskId}`);
    return task;
  }

  /** Frames sent to this connection so far (or only those among `effects`). */
  frames(connId: number, effects: Effect[] = this.effects): Frame[] {
    return effects.flatMap((effect) => (effect.type === 'send' && effect.connId === connId ? [effect.frame] : []));
  }

  lastFrame(connId: number): Frame | undefined {
    return this.frames(connId).at(-1);
  }

  /** The `task_assign` frames sent to this connection. */
  assignments(connId: number, effects?: Effect[]): Frame[] {
    return this.frames(connId, effects).filter((frame) => frame.type === 'task_assign');
  }

  closes(effects: Effect[] = this.effects): Array<{ connId: number; code: number; reason: string }> {
    return effects.flatMap((effect) => (effect.type === 'close' ? [effect] : []));
  }

  accept(connId: number, taskId: string): Effect[] {
    return this.send(connId, { type: 'task_accepted', task_id: taskId });
  }

  complete(connId: number, taskId: string, generation: unknown, extra: Frame = {}): Effect[] {
    return this.send(connId, { type: 'task_complete', task_id: taskId, generation, ...extra });
  }

  fail(connId: number, taskId: string, generation: unknown, extra: Frame = {}): Effect[] {
    return this.send(connId, { type: 'task_failed', task_id: taskId, generation, ...extra });
  }

  fsm(agentId: string): string | undefined {
    const agents = this.http('GET', '/api/agents/states').body.agents as Frame[];
    return agents.find((agent) => agent.agent_id === agentId)?.fsm_state;
  }
}
