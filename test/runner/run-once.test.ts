import { describe, expect, it } from 'vitest';
import type { Action } from '../../src/actions/action.js';
import { runOnce } from '../../src/runner/run-once.js';
import { localTargets } from '../../src/targets/choose.js';

const twoTasks: Action[] = [
  { kind: 'submit', priority: 'normal', capabilities: [], maxRetries: 1, completeBy: 'none' },
  { kind: 'submit', priority: 'normal', capabilities: [], maxRetries: 1, completeBy: 'none' },
];

describe('runOnce', () => {
  it('plays, quiesces and snapshots a run, recording every phase in order', async () => {
    const result = await runOnce(
      { targets: localTargets({ sim: false, faults: [] }), agentNames: ['agent-0'], janitorName: 'janitor', capabilityPool: [], seed: 1, timeoutPerRunMs: 20_000 },
      twoTasks,
    );
    expect(result.timedOut).toBe(false);
    expect(result.error).toBeUndefined();
    expect(result.outcomes).toEqual([{ status: 'done' }, { status: 'done' }]);
    const phases = result.history.flatMap((e) => (e.kind === 'phase' ? [e.payload.name] : []));
    expect(phases).toEqual(['actions', 'quiesce', 'snapshot', 'teardown']);
  });

  it('a run past its deadline is cut short, marked timed out and still torn down', async () => {
    // With this defect the second task is never scheduled: quiesce would wait out its whole deadline.
    const result = await runOnce(
      { targets: localTargets({ sim: false, faults: ['no-idle-trigger'] }), agentNames: ['agent-0'], janitorName: 'janitor', capabilityPool: [], seed: 1, timeoutPerRunMs: 500 },
      twoTasks,
    );
    expect(result.timedOut).toBe(true);
    const phases = result.history.flatMap((e) => (e.kind === 'phase' ? [e.payload.name] : []));
    expect(phases).toEqual(['actions', 'quiesce', 'teardown']);
  });

  it('ends as soon as cutShortWhen says the verdict is in, skipping the quiesce and the snapshot, and asks /health', async () => {
    const setup = { targets: localTargets({ sim: false, faults: [] }), agentNames: ['agent-0'], janitorName: 'janitor', capabilityPool: [], seed: 1, timeoutPerRunMs: 20_000 };
    const afterActions = await runOnce({ ...setup, cutShortWhen: () => true }, twoTasks);
    expect(afterActions.cutShort).toBe(true);
    expect(afterActions.history.flatMap((e) => (e.kind === 'phase' ? [e.payload.name] : []))).toEqual(['actions', 'teardown']);
    expect(afterActions.history.some((e) => e.kind === 'http' && e.payload.path === '/health' && e.payload.status === 200)).toBe(true);
    expect(afterActions.hubDown).toBeUndefined();
    // Once the janitor has joined: the quiesce started, then stopped at its next step.
    const inQuiesce = await runOnce({ ...setup, cutShortWhen: (history) => history.some((e) => e.actor === 'janitor') }, twoTasks);
    expect(inQuiesce.cutShort).toBe(true);
    expect(inQuiesce.history.flatMap((e) => (e.kind === 'phase' ? [e.payload.name] : []))).toEqual(['actions', 'quiesce', 'teardown']);
  });
});
