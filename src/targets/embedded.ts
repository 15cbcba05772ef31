import type { TimerSettings } from '../../models/history.js';
import { startHub } from '../hub/index.js';
import type { Target, TargetFactory } from './target.js';

/**
 * Timers short enough that a run sees acceptance timeouts, sweeps and stuck
 * tasks within a second, long enough that a healthy agent on loopback never
 * trips them by accident.
 */
export const FAST_TIMERS: Readonly<TimerSettings> = Object.freeze({
  acceptanceMs: 250,
  overdueSweepMs: 100,
  stuckSweepMs: 100,
  stuckThresholdMs: 1_000,
  wsIdleMs: 30_000,
});

/** A fresh reference hub per run: ephemeral port, temp data dir deleted afterwards. */
export function embeddedTargets(options: { timers: TimerSettings; faults: readonly string[] }): TargetFactory {
  return {
    kind: 'embedded',
    timers: options.timers,
    canRestart: true,
    faults: options.faults,
    async open(): Promise<Target> {
      const hub = await startHub({ timers: options.timers, faults: [...options.faults] });
      return {
        kind: 'embedded',
        url: hub.url,
        wsUrl: hub.wsUrl,
        adminToken: hub.adminToken,
        timers: hub.timers,
        canRestart: true,
        namespace: '',
        isolationCapability: null,
        restart: (crash) => hub.restart({ crash }),
        dispose: () => hub.stop(),
      };
    },
  };
}
