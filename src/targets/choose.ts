import type { TimerSettings } from '../../models/history.js';
import { embeddedTargets, FAST_TIMERS } from './embedded.js';
import { SIM_TIMERS, simTargets } from './sim.js';
import type { TargetFactory } from './target.js';

export interface LocalTargetOptions {
  /** Simulated (one process, virtual time, generated interleavings) instead of a real hub over loopback. */
  sim: boolean;
  /** Timers given explicitly; the rest take the mode's defaults. */
  timers?: Partial<TimerSettings>;
  faults: readonly string[];
}

export function defaultTimers(sim: boolean): Readonly<TimerSettings> {
  return sim ? SIM_TIMERS : FAST_TIMERS;
}

/** Our own reference hub, per run: the one place the CLI and the benchmarks choose the mode. */
export function localTargets(options: LocalTargetOptions): TargetFactory {
  const timers = { ...defaultTimers(options.sim), ...options.timers };
  return options.sim ? simTargets({ timers, faults: options.faults }) : embeddedTargets({ timers, faults: options.faults });
}
