import type { FaultSet } from '../faults/catalogue.js';
import type { TimerSettings } from '../types.js';
import type { StoreRecord } from './durable.js';
import type { Effect, FollowUp } from './events.js';
import type { IdSource } from './ids.js';
import type { AgentSession, HubState, TimerSpec } from './state.js';
import type { Task } from './task.js';

/** What the core is configured with; fixed for the life of a hub. */
export interface CoreEnv {
  ids: IdSource;
  faults: FaultSet;
  timers: TimerSettings;
  adminAgents: ReadonlySet<string>;
}

type NewTimer = TimerSpec extends infer T ? (T extends TimerSpec ? Omit<T, 'id'> : never) : never;

/**
 * The handling of one event: the state it changes, the time it happened at,
 * and the effects it collects. Tasks touched are persisted once each, as
 * they are when the event is done.
 */
export class Step {
  private readonly effects: Effect[] = [];
  private readonly records: StoreRecord[] = [];
  private readonly dirtyTasks = new Map<string, Task>();

  constructor(
    readonly state: HubState,
    readonly env: CoreEnv,
    readonly now: number,
  ) {}

  get faults(): FaultSet {
    return this.env.faults;
  }

  send(connId: number, frame: Record<string, unknown>): void {
    const conn = this.state.conns.get(connId);
    if (conn === undefined) return;
    conn.lastActivity = this.now;
    this.effects.push({ type: 'send', connId, frame });
  }

  sendToAgent(session: AgentSession, frame: Record<string, unknown>): void {
    this.send(session.connId, frame);
  }

  close(connId: number, code: number, reason: string): void {
    const conn = this.state.conns.get(connId);
    if (conn === undefined || conn.closing) return;
    conn.closing = true;
    this.effects.push({ type: 'close', connId, code, reason });
  }

  reply(reqId: number, status: number, body: Record<string, unknown>): void {
    this.effects.push({ type: 'reply', reqId, status, body });
  }

  /** The task changed: persist it when the event is done. */
  touch(task: Task): void {
    this.dirtyTasks.set(task.id, task);
  }

  persist(record: StoreRecord): void {
    this.records.push(record);
  }

  setTimer(timer: NewTimer): string {
    const id = `t${this.state.nextTimer++}`;
    const spec = { ...timer, id } as TimerSpec;
    this.state.timers.set(id, spec);
    this.effects.push({ type: 'set_timer', timer: spec });
    return id;
  }

  cancelTimer(id: string | null): void {
    if (id === null || !this.state.timers.delete(id)) return;
    this.effects.push({ type: 'cancel_timer', timerId: id });
  }

  crash(): void {
    this.effects.push({ type: 'crash' });
  }

  stall(ms: number): void {
    this.effects.push({ type: 'stall', ms });
  }

  /** `work` comes back as an event of its own, delivered next. */
  followUp(work: FollowUp): void {
    this.effects.push({ type: 'follow_up', work });
  }

  finish(): Effect[] {
    for (const task of this.dirtyTasks.values()) this.records.push({ kind: 'task', task });
    if (this.records.length === 0) return this.effects;
    return [{ type: 'persist', records: this.records }, ...this.effects];
  }
}
