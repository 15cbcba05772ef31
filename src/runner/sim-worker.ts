/**
 * One simulation worker thread: plays the run indices it is sent and answers
 * with their verdicts. Each run is the same deterministic simulation the main
 * thread would play, so a failing index replays there to the same history.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { findFamily } from '../../properties/index.js';
import { simTargets } from '../targets/sim.js';
import { runsArbitrary, valueAt } from './campaign.js';
import { playOnce, type FuzzConfig } from './fuzz.js';
import type { SimJob, SimSpec, SimVerdict } from './sim-pool.js';

const spec = workerData as SimSpec;
const family = findFamily(spec.family);
if (family === undefined) throw new Error(`unknown property family ${spec.family}`);
const config: FuzzConfig = {
  family,
  runs: 0,
  seed: spec.seed,
  agents: spec.agents,
  maxActions: spec.maxActions,
  timeoutPerRunMs: spec.timeoutPerRunMs,
  jobs: spec.jobs,
  targets: simTargets({ timers: spec.timers, faults: spec.faults }),
};
const runs = runsArbitrary(config);

parentPort?.on('message', (job: SimJob) => {
  void (async (): Promise<SimVerdict> => {
    try {
      const value = valueAt(runs, spec.seed, String(job.index));
      const { violations, result } = await playOnce(config, spec.seed, value.actions, value.schedule);
      return { index: job.index, failed: violations.length > 0, actions: value.actions.length, actionsPlayed: result.outcomes.length };
    } catch (error) {
      return { index: job.index, error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
    }
  })().then((verdict) => parentPort?.postMessage(verdict));
});
