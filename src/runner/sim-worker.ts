/**
 * One simulation worker thread: plays the runs it is sent and answers with
 * each one's verdict. Each run is the same deterministic simulation the main
 * thread would play, so a failing index replays there to the same history.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { findFamily } from '../../properties/index.js';
import { simTargets } from '../targets/sim.js';
import { runsArbitrary, RunValues } from './run-values.js';
import { bucketsOf } from './findings.js';
import { playOnce, type FuzzConfig } from './fuzz.js';
import type { SimJob, SimSpec, SimVerdict } from './sim-slot.js';

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
const values = new RunValues(runsArbitrary(config), spec.seed);

async function verdictOf(index: number, end: number): Promise<SimVerdict> {
  try {
    const value = values.at(index, end);
    const { violations, result } = await playOnce(config, spec.seed, value.actions, value.schedule);
    return { index, buckets: [...bucketsOf(violations)], actions: value.actions.length, actionsPlayed: result.outcomes.length };
  } catch (error) {
    return { index, error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  }
}

// Jobs are played one after another, in the order they came.
let queue = Promise.resolve();
parentPort?.on('message', (job: SimJob) => {
  queue = queue.then(async () => {
    for (let index = job.first; index < job.end; index++) parentPort?.postMessage(await verdictOf(index, job.end));
  });
});
