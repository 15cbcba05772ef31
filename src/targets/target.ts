import type { TimerSettings } from '../../models/history.js';
import type { RunEnvironment } from '../env/environment.js';
import type { Schedule } from '../sim/schedule.js';
import type { SimStep } from '../sim/scheduler.js';
import type { NetworkFaults } from '../sim/sim-network.js';

/** What a run is made of besides its actions; a simulated target builds its world from it. */
export interface RunInput {
  seed: number | null;
  /** How concurrent events are ordered; only a simulated target has a say in it. */
  schedule: Schedule;
}

/** One hub a run is played against; the runner neither knows nor cares which kind. */
export interface Target {
  readonly kind: 'embedded' | 'remote' | 'sim';
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
  /** The clock, sockets and HTTP the run must use with this target. Default: the network's. */
  readonly environment?: RunEnvironment;
  /** Only a simulated network can be bent: delays, losses, half-open links. */
  readonly network?: NetworkFaults;
  /** What the simulation's scheduler did, step by step, for the report. */
  trace?(): readonly SimStep[];
  /** The runner starts action `index` (the number of actions: the quiesce); a simulation counts its choices per action. */
  beginAction?(index: number): void;
  restart(crash: boolean): Promise<void>;
  dispose(): Promise<void>;
}

/** Makes a fresh (or verified clean) target for each run. */
export interface TargetFactory {
  readonly kind: Target['kind'];
  readonly timers: TimerSettings;
  readonly canRestart: boolean;
  readonly faults: readonly string[];
  open(run: RunInput): Promise<Target>;
  /**
   * A hub that outlives the runs (--hub): null while it answers /health, else
   * why not. A target made fresh for every run has nothing to check.
   */
  checkAlive?(): Promise<string | null>;
  /** Brings back a hub that stopped answering (--restart-cmd); absent when nothing can. */
  revive?(): Promise<void>;
}
