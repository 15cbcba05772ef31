import { describe, expect, it } from 'vitest';
import type { Action } from '../../src/actions/action.js';
import { playOnce } from '../../src/runner/fuzz.js';
import { simConfig } from '../support/sim-config.js';

// The agent sits on its task without accepting it, then its connection dies.
const ORPHANED: Action[] = [
  { kind: 'connect', agent: 0, capabilities: [], behaviour: 'ignore' },
  { kind: 'submit', priority: 'normal', capabilities: [], maxRetries: 1, completeBy: 'none' },
  { kind: 'wait', ms: 5 },
  { kind: 'kill', agent: 0 },
];

// The push this connection brings is still on its way when the actions end.
const FAILS_LAST: Action[] = [
  { kind: 'submit', priority: 'normal', capabilities: [], maxRetries: 1, completeBy: 'none' },
  { kind: 'connect', agent: 0, capabilities: [], behaviour: 'fail' },
];

describe('quiesce', () => {
  it('in simulation outlasts the reaction slack, so a replaced session the hub never closes is seen open past its bound', async () => {
    const replaced: Action[] = [
      { kind: 'connect', agent: 0, capabilities: [], behaviour: 'complete' },
      { kind: 'reconnect', agent: 0, keepOld: true },
    ];
    const { violations } = await playOnce(simConfig(['stale-session-on-reconnect']), 1, replaced);
    expect(violations.map((v) => v.invariant)).toContain('I10');
    expect((await playOnce(simConfig([]), 1, replaced)).violations).toEqual([]);
  });

  it('has a failing agent fail the pushes the last actions set in motion, however late they land, before it finishes work', async () => {
    const { violations, result } = await playOnce(simConfig(['retry-off-by-one']), 1, FAILS_LAST);
    expect(result.outcomes.map((outcome) => outcome.status)).toEqual(['done', 'done']);
    expect(violations.map((v) => v.invariant)).toContain('I1');
    expect((await playOnce(simConfig([]), 1, FAILS_LAST)).violations).toEqual([]);
  });

  it('waits out the acceptance timer of a task left on a dead connection, so a hub that keeps it there is seen doing so', async () => {
    const { violations } = await playOnce(simConfig(['no-reclaim-on-disconnect']), 1, ORPHANED);
    expect(violations.map((v) => v.invariant)).toContain('I7');
  });

  it('passes the correct hub, which reclaims the task at once', async () => {
    const { violations } = await playOnce(simConfig([]), 1, ORPHANED);
    expect(violations).toEqual([]);
  });
});
