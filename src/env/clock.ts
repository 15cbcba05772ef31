import { performance } from 'node:perf_hooks';

export type TimerHandle = unknown;

/**
 * Where every wait of a run gets its time: the system clock over the network,
 * a virtual one in simulation. Structurally a `HubClock`, so the hub can take it too.
 */
export interface Clock {
  /** Wall-clock milliseconds since the epoch (what hub timestamps and `complete_by` carry). */
  now(): number;
  /** Milliseconds on a clock that never steps back: history `t` and deadlines are measured on it. */
  monotonicNow(): number;
  /**
   * `what` names the timer where timers are traced (the simulation). A
   * `routine` timer is periodic housekeeping that runs however the run goes
   * (a sweep, a keepalive): the simulation does not count an order among
   * such timers alone as a choice, so a schedule's departures stay where they
   * were when a shrink shortens an idle stretch. The system clock ignores both.
   */
  setTimeout(fn: () => void, ms: number, what?: string, routine?: boolean): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  monotonicNow: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export function sleep(clock: Clock, ms: number): Promise<void> {
  return new Promise((resolve) => clock.setTimeout(resolve, ms, `sleep ${ms} ms`));
}

/** Resolves as `promise` does, or rejects with `expired()` once `ms` pass on `clock`. */
export function raceDeadline<T>(clock: Clock, promise: Promise<T>, ms: number, expired: () => Error): Promise<T> {
  let timer: TimerHandle;
  const expiry = new Promise<never>((_, reject) => {
    timer = clock.setTimeout(() => reject(expired()), ms, `deadline ${ms} ms`);
  });
  // Whatever the loser does later must not surface as an unhandled rejection.
  promise.catch(() => undefined);
  return Promise.race([promise, expiry]).finally(() => clock.clearTimeout(timer));
}
