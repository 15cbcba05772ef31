import type { TimerSettings } from '../../models/history.js';
import { openSimWorld } from '../sim/sim-world.js';
import { FAST_TIMERS } from './embedded.js';
import type { TargetFactory } from './target.js';

/**
 * The fast timers, but an idle timeout short enough that a half-open link
 * (an agent gone without the hub hearing of it) is noticed within the
 * model's reclaim bound; healthy links keep alive with pings.
 */
export const SIM_TIMERS: Readonly<TimerSettings> = Object.freeze({ ...FAST_TIMERS, wsIdleMs: 600 });

/** A fresh simulated world per run, built from the run's seed and schedule. */
export function simTargets(options: { timers: TimerSettings; faults: readonly string[] }): TargetFactory {
  return {
    kind: 'sim',
    timers: options.timers,
    canRestart: true,
    faults: options.faults,
    open: (run) => openSimWorld(options, run),
  };
}
