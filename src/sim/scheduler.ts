import { choiceKey, departuresByChoice, type Schedule } from './schedule.js';

/** One thing that happened in a simulated run, in the order it happened. */
export interface SimStep {
  step: number;
  /** Virtual ms since the world began. */
  t: number;
  what: string;
  /** How many events were ready to go at this step (the choice was among them). */
  ready: number;
  /** Which of them went: 0 is the natural order. */
  pick: number;
  /** The action this step came during, and which of its choices the step was (null: no choice). */
  action: number;
  choice: number | null;
  /** Periodic housekeeping (see `Clock.setTimeout`). */
  routine: boolean;
}

/** A label is made when the run's trace is taken, at its end: a message dropped in flight never needs one. */
type Label = string | (() => string);

interface Pending {
  what: Label;
  readyAt: number;
  seq: number;
  /** Asked to run next (`runNext`): first in the natural order, whatever else is due. */
  next: boolean;
  /** Periodic housekeeping (see `Clock.setTimeout`): an order among such events alone is not a choice. */
  routine: boolean;
  fire(): void;
}

/**
 * Events that may overtake each other: anything ready within this many ms of
 * the earliest one. Large enough for real races (an accept against its
 * acceptance timeout), small enough that the model's reaction slack holds.
 */
export const REORDER_WINDOW_MS = 20;

/** An event passed over this long goes next, so a generated schedule cannot starve anything. */
export const MAX_LAG_MS = 60;

/** The natural order: what asked to run next, then earliest due, then first queued. */
function earlier(a: Pending, b: Pending): boolean {
  if (a.next !== b.next) return a.next;
  return a.readyAt < b.readyAt || (a.readyAt === b.readyAt && a.seq < b.seq);
}

/**
 * A FIFO of messages on one side of one connection (or one HTTP exchange):
 * only its head can be delivered, so the connection's order holds, while
 * heads of different channels and timers go in whatever order the schedule says.
 */
export class Channel {
  private readonly queue: Pending[] = [];

  constructor(
    private readonly scheduler: SimScheduler,
    readonly name: string,
  ) {}

  /** Queues a delivery `latencyMs` from now, never before what is already queued. */
  push(what: Label, latencyMs: number, deliver: () => void): void {
    const last = this.queue.at(-1);
    const readyAt = Math.max(this.scheduler.now + latencyMs, last?.readyAt ?? 0);
    const label = (): string => `${this.name}: ${typeof what === 'string' ? what : what()}`;
    this.queue.push({ what: label, readyAt, seq: this.scheduler.nextSeq(), next: false, routine: false, fire: deliver });
    if (this.queue.length === 1) this.scheduler.activate(this);
  }

  /** Drops everything in flight. */
  clear(): void {
    this.queue.length = 0;
  }

  get idle(): boolean {
    return this.queue.length === 0;
  }

  get head(): Pending | undefined {
    return this.queue[0];
  }

  shift(): void {
    this.queue.shift();
  }
}

/**
 * The simulation's only source of order and time. Timers and channel heads
 * are the pending events; each step takes one of those ready (the schedule
 * picks, the natural order otherwise), moves virtual time to it and fires
 * it. A step happens only when the process has nothing else to do, so every
 * reaction to the previous event is complete before the next one.
 */
export class SimScheduler {
  private time = 0;
  private seq = 0;
  private steps = 0;
  /** The action being played (see `Departure`). */
  private action = 0;
  /** Choices so far during that action: what departures count. */
  private choices = 0;
  private readonly timers = new Map<number, Pending>();
  private readonly channels = new Set<Channel>();
  private readonly departures: Map<string, number>;
  private readonly log: Array<Omit<SimStep, 'what'> & { what: Label }> = [];
  private running = false;
  private wake: (() => void) | undefined;

  constructor(schedule: Schedule) {
    this.departures = departuresByChoice(schedule);
  }

  get now(): number {
    return this.time;
  }

  get trace(): readonly SimStep[] {
    return this.log.map((entry) => ({ ...entry, what: typeof entry.what === 'string' ? entry.what : entry.what() }));
  }

  /** The runner starts action `index` (the number of actions: the quiesce after them); choices count afresh. */
  beginAction(index: number): void {
    this.action = index;
    this.choices = 0;
  }

  nextSeq(): number {
    this.wake?.();
    return this.seq++;
  }

  channel(name: string): Channel {
    return new Channel(this, name);
  }

  activate(channel: Channel): void {
    this.channels.add(channel);
  }

  setTimer(what: Label, ms: number, fn: () => void, routine = false): number {
    const seq = this.nextSeq();
    this.timers.set(seq, { what, readyAt: this.time + Math.max(0, ms), seq, next: false, routine, fire: fn });
    return seq;
  }

  /**
   * An event due now that the natural order takes before every other, so
   * only a generated departure can put something in between.
   */
  runNext(what: Label, fn: () => void): void {
    const seq = this.nextSeq();
    this.timers.set(seq, { what, readyAt: this.time, seq, next: true, routine: false, fire: fn });
  }

  clearTimer(id: number): void {
    this.timers.delete(id);
  }

  /** Fires one event; false when nothing is pending. */
  step(): boolean {
    const pending: Array<{ event: Pending; channel?: Channel }> = [];
    for (const event of this.timers.values()) pending.push({ event });
    for (const channel of this.channels) {
      const head = channel.head;
      if (head === undefined) this.channels.delete(channel);
      else pending.push({ event: head, channel });
    }
    if (pending.length === 0) return false;
    let first = pending[0]!;
    for (const candidate of pending) if (earlier(candidate.event, first.event)) first = candidate;
    const horizon = Math.max(this.time, first.event.readyAt) + REORDER_WINDOW_MS;
    const overdue = this.time - first.event.readyAt >= MAX_LAG_MS;
    const ready = overdue ? [first] : pending.filter((p) => p.event.readyAt <= horizon);
    const choice = ready.length > 1 && ready.some((p) => !p.event.routine) ? this.choices++ : null;
    const departure = choice === null ? undefined : this.departures.get(choiceKey(this.action, choice));
    const pick = Math.min(departure ?? 0, ready.length - 1);
    if (pick > 0) ready.sort((a, b) => (earlier(a.event, b.event) ? -1 : 1));
    const chosen = pick > 0 ? ready[pick]! : first;
    if (chosen.channel === undefined) this.timers.delete(chosen.event.seq);
    else chosen.channel.shift();
    this.time = Math.max(this.time, chosen.event.readyAt);
    this.log.push({ step: this.steps, t: this.time, what: chosen.event.what, ready: ready.length, pick, action: this.action, choice, routine: chosen.event.routine });
    this.steps++;
    chosen.event.fire();
    return true;
  }

  /**
   * Steps whenever the process is idle (a macrotask turn lets every promise
   * reaction settle first), until `stop`. Waits, without spinning, while
   * nothing is pending.
   */
  start(): void {
    this.running = true;
    void this.loop();
  }

  stop(): void {
    this.running = false;
    this.wake?.();
  }

  private async loop(): Promise<void> {
    while (this.running) {
      await new Promise((resolve) => setImmediate(resolve));
      if (!this.running) return;
      if (!this.step()) {
        await new Promise<void>((resolve) => (this.wake = resolve));
        this.wake = undefined;
      }
    }
  }
}
