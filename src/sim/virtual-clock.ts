import type { Clock } from '../env/clock.js';
import type { HubClock } from '../hub/types.js';
import type { SimScheduler } from './scheduler.js';

/** Wall-clock time at virtual time 0: a fixed date, so hub timestamps repeat from run to run. */
export const SIM_EPOCH_MS = Date.UTC(2030, 0, 1);

/** A clock whose time moves only when the scheduler fires an event; `owner` names its timers in the trace. */
export function virtualClock(scheduler: SimScheduler, owner: string): Clock & HubClock {
  return {
    now: () => SIM_EPOCH_MS + scheduler.now,
    monotonicNow: () => scheduler.now,
    setTimeout: (fn, ms, what, routine) => scheduler.setTimer(`${owner}: ${what ?? `timer ${ms} ms`}`, ms, fn, routine),
    clearTimeout: (handle) => scheduler.clearTimer(handle as number),
    runNext: (fn, what) => scheduler.runNext(`${owner}: ${what}`, fn),
  };
}
