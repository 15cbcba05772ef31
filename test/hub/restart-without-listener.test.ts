// restart-without-listener is a fault of the shells, not the core: the hub's first life listens, a restarted one
// runs its core but never opens its port (network) or takes links and requests (simulation).
import { describe, expect, it } from 'vitest';
import type { Action } from '../../src/actions/action.js';
import { lifecycle } from '../../properties/lifecycle.js';
import { playOnce } from '../../src/runner/fuzz.js';
import { localTargets } from '../../src/targets/choose.js';
import { withHub } from '../protocol/support.js';

const FAULT = 'restart-without-listener';

/** An agent holds a task across a clean restart of the hub. */
const RESTART: Action[] = [
  { kind: 'connect', agent: 0, capabilities: [], behaviour: 'ignore' },
  { kind: 'submit', priority: 'normal', capabilities: [], maxRetries: 1, completeBy: 'none' },
  { kind: 'wait', ms: 5 },
  { kind: 'restart-hub', crash: false },
  { kind: 'observe', view: 'tasks' },
];

describe(`${FAULT} on the embedded hub`, () => {
  it('listens on its first life and refuses connections once restarted', async () => {
    await withHub({ faults: [FAULT] }, async (fx) => {
      expect((await fx.http('GET', '/health')).status).toBe(200);
      await fx.restart();
      const refused = await fx.http('GET', '/health').then(
        (reply) => `answered ${reply.status}`,
        (error: NodeJS.ErrnoException) => error.code ?? String(error),
      );
      expect(refused).toBe('ECONNREFUSED');
    });
  });
});

describe.each([true, false])(`${FAULT} found by the fuzzer's judge (sim: %s)`, (sim) => {
  it('a run across the restart breaks I10; the correct hub passes the same run', async () => {
    const config = { family: lifecycle, agents: 1, timeoutPerRunMs: 30_000, targets: localTargets({ sim, faults: [FAULT] }) };
    const { result, violations } = await playOnce(config, 1, RESTART);
    expect(result.hubDown).toBeDefined();
    expect(violations.map((v) => v.invariant)).toContain('I10');
    const correct = await playOnce({ ...config, targets: localTargets({ sim, faults: [] }) }, 1, RESTART);
    expect(correct.violations).toEqual([]);
  });
});
