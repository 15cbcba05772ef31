import type { TimerSettings } from '../../models/history.js';

/** One hub a run is played against; the runner neither knows nor cares which kind. */
export interface Target {
  readonly kind: 'embedded' | 'remote';
  readonly url: string;
  readonly wsUrl: string;
  /** Token for the runner's own HTTP calls and for minting agent tokens. Never printed. */
  readonly adminToken: string;
  readonly timers: TimerSettings;
  readonly canRestart: boolean;
  /**
   * Prefix of every agent id this run uses, and a capability added to every
   * agent and task of the run: on a hub others use, no stranger takes our
   * tasks and none of theirs reaches our agents. Empty on a hub of our own.
   */
  readonly namespace: string;
  readonly isolationCapability: string | null;
  restart(crash: boolean): Promise<void>;
  dispose(): Promise<void>;
}

/** Makes a fresh (or verified clean) target for each run. */
export interface TargetFactory {
  readonly kind: Target['kind'];
  readonly timers: TimerSettings;
  readonly canRestart: boolean;
  readonly faults: readonly string[];
  open(): Promise<Target>;
}
