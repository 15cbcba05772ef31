import { lifecycle } from '../../properties/lifecycle.js';
import type { FuzzConfig } from '../../src/runner/fuzz.js';
import { localTargets } from '../../src/targets/choose.js';

/** The lifecycle family fuzzed in simulation, 3 agents and up to 20 actions a run, with these faults. */
export function simConfig(faults: string[] = [], runs = 100, seed = 7): FuzzConfig {
  return {
    family: lifecycle,
    runs,
    seed,
    agents: 3,
    maxActions: 20,
    timeoutPerRunMs: 60_000,
    targets: localTargets({ sim: true, faults }),
  };
}
