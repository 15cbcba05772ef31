import { performance } from 'node:perf_hooks';
import type { HistoryEvent } from '../../models/history.js';

type Unrecorded<E> = E extends HistoryEvent ? Omit<E, 'seq' | 't'> : never;
export type NewEvent = Unrecorded<HistoryEvent>;

/** Where the run's time comes from: a monotonic clock, or a virtual one in simulation. */
export interface MonotonicClock {
  now(): number;
}

const realClock: MonotonicClock = { now: () => performance.now() };

/**
 * Append-only history of one run. Every actor (agents, HTTP client, runner)
 * writes here; nobody edits or removes an event once written.
 */
export class HistoryRecorder {
  private readonly events: HistoryEvent[] = [];
  private readonly origin: number;
  private nextConn = 1;
  private nextHttp = 1;
  private readonly listeners = new Set<(event: HistoryEvent) => void>();

  constructor(private readonly clock: MonotonicClock = realClock) {
    this.origin = clock.now();
  }

  /** Milliseconds since the run started, on the same clock as every event's `t`. */
  now(): number {
    return this.clock.now() - this.origin;
  }

  record(event: NewEvent): HistoryEvent {
    const full = { ...event, seq: this.events.length, t: this.now() } as HistoryEvent;
    this.events.push(full);
    for (const listener of this.listeners) listener(full);
    return full;
  }

  /** Be told of every event from now on (the runner waits on events, not sleeps). */
  onEvent(listener: (event: HistoryEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A connection number unique within this run. */
  newConnectionId(): number {
    return this.nextConn++;
  }

  /** An HTTP exchange number unique within this run. */
  newHttpId(): number {
    return this.nextHttp++;
  }

  get length(): number {
    return this.events.length;
  }

  /** The events so far; a frozen copy, so readers cannot disturb the record. */
  snapshot(): readonly HistoryEvent[] {
    return Object.freeze(this.events.slice());
  }
}
