export { waitFor, type WaitForOptions } from './wait-for.js';
export { assertAllCompleted, assertTaskCompleted, type CompletionOptions } from './task-assertions.js';
export { cleanupAgents, createTestTokens } from './agent-setup.js';
export { smokeScenarios, SmokeFailure, type SmokeOutcome, type SmokeScenario } from './smoke-scenarios.js';
