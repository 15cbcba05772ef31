import { describe, expect, it } from 'vitest';
import { bucketOf } from '../../models/check.js';
import type { Action } from '../../src/actions/action.js';
import { playOnce } from '../../src/runner/fuzz.js';
import { localTargets } from '../../src/targets/choose.js';
import { simConfig } from '../support/sim-config.js';

// The hub schedules only on a sweep a second after each trigger: the task reaches the agent long after it was submitted.
const SLOW = 'sweep-only-scheduling';

const SITS_ON_IT: Action[] = [
  { kind: 'connect', agent: 0, capabilities: [], behaviour: 'ignore' },
  { kind: 'submit', priority: 'normal', capabilities: [], maxRetries: 1, completeBy: 'none' },
];

describe('a push the hub owes', () => {
  it('is waited for by a probe that needs a held task, so a slow scheduler does not hide a fencing defect', async () => {
    const probe: Action[] = [...SITS_ON_IT, { kind: 'stale-generation', op: 'complete', generation: 'minus-one' }];
    const { violations, result } = await playOnce(simConfig([SLOW, 'unfenced-complete']), 1, probe);
    expect(result.outcomes.map((outcome) => outcome.status)).toEqual(['done', 'done', 'done']);
    expect(violations.map(bucketOf)).toContain('I3/stale-report');
  });

  it('is waited for by an action of one agent about its own task', async () => {
    const progress: Action[] = [...SITS_ON_IT, { kind: 'progress', agent: 0 }];
    const { result } = await playOnce(simConfig([SLOW]), 1, progress);
    expect(result.outcomes.map((outcome) => outcome.status)).toEqual(['done', 'done', 'done']);
  });

  it('lands before the quiesce steps in, so an agent sitting on it shows a hub that never takes it back', async () => {
    const { violations } = await playOnce(simConfig([SLOW, 'no-acceptance-timeout']), 1, SITS_ON_IT);
    expect(violations.map(bucketOf)).toContain('I7/unaccepted-kept');
  });

  it('over the network too, where the actions are over long before a slow scheduler pushes', async () => {
    const probe: Action[] = [...SITS_ON_IT, { kind: 'stale-generation', op: 'complete', generation: 'minus-one' }];
    const network = { ...simConfig(), targets: localTargets({ sim: false, faults: [SLOW, 'unfenced-complete'] }) };
    const { violations, result } = await playOnce(network, 1, probe);
    expect(result.outcomes.map((outcome) => outcome.status)).toEqual(['done', 'done', 'done']);
    expect(violations.map(bucketOf)).toContain('I3/stale-report');
  });
});
