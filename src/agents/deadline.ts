import { raceDeadline, systemClock, type Clock } from '../env/clock.js';

/** Resolves as `promise` does, or rejects with `timeout error` naming `what` once `ms` pass on `clock`. */
export function withDeadline<T>(promise: Promise<T>, ms: number, what: string, clock: Clock = systemClock): Promise<T> {
  return raceDeadline(clock, promise, ms, () => new Error(`timed out after ${ms} ms waiting for ${what}`));
}
