import type { FailureFile } from '../../src/reports/failure-file.js';

/** A small failure as a campaign saves it: for tests that save, spoil or replay-list one. */
export const sampleFailure: Omit<FailureFile, 'format' | 'createdAt'> = {
  property: 'lifecycle',
  seed: 42,
  path: '5:2:0',
  agents: 3,
  maxActions: 20,
  faults: ['no-idle-trigger'],
  timers: { acceptanceMs: 300, overdueSweepMs: 200, stuckSweepMs: 200, stuckThresholdMs: 1000, wsIdleMs: 2000 },
  actions: [
    { kind: 'connect', agent: 0, capabilities: [], behaviour: 'complete' },
    { kind: 'submit', priority: 'urgent', capabilities: [], maxRetries: 1, completeBy: 'none' },
  ],
  outcomes: [],
  violations: [{ invariant: 'I1', kind: 'not-terminal', name: 'exactly-once', message: 'task task-1 is not terminal', evidence: [5] }],
  history: [],
};
