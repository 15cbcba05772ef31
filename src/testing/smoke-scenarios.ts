import { basicFlow } from './smoke/basic-flow.js';
import { killMidRunScenario, killMidTaskScenario } from './smoke/failover.js';
import type { SmokeScenario } from './smoke/harness.js';
import { noStarvationScenario, priorityLanesScenario } from './smoke/priority.js';

export type { SmokeOutcome, SmokeScenario } from './smoke/harness.js';
export { SmokeFailure } from './smoke/harness.js';

/** The hub team's five hand-written smoke scenarios (TEST-01 … TEST-03b), in their order; each run starts its own hub and throws when the hub fails it. */
export const smokeScenarios: readonly SmokeScenario[] = [
  basicFlow,
  killMidTaskScenario,
  killMidRunScenario,
  priorityLanesScenario,
  noStarvationScenario,
];
