import { describe, expect, it } from 'vitest';
import type { HistoryEvent } from '../../models/history.js';
import { findFamily } from '../../properties/index.js';
import type { Action } from '../../src/actions/action.js';
import { playOnce } from '../../src/runner/fuzz.js';
import { localTargets } from '../../src/targets/choose.js';

const config = {
  family: findFamily('lifecycle')!,
  agents: 2,
  timeoutPerRunMs: 60_000,
  targets: localTargets({ sim: true, faults: [] }),
};

function recvTypes(history: readonly HistoryEvent[], actor: string): string[] {
  return history.flatMap((event) =>
    event.kind === 'ws_recv' && event.actor === actor ? [String((event.payload.frame as { type?: unknown }).type)] : [],
  );
}

describe('network faults in simulation', () => {
  it('a half-open link is noticed by the idle timeout and its task goes to another agent', async () => {
    const actions: Action[] = [
      { kind: 'connect', agent: 0, capabilities: [], behaviour: 'ignore' },
      { kind: 'submit', priority: 'normal', capabilities: [], maxRetries: 1, completeBy: 'none' },
      { kind: 'set-behaviour', agent: 0, behaviour: { delay: 500 } },
      { kind: 'half-open', agent: 0 },
      { kind: 'connect', agent: 1, capabilities: [], behaviour: 'complete' },
      { kind: 'wait', ms: 350 },
    ];
    const { result, violations } = await playOnce(config, 1, actions);
    expect(result.outcomes.every((outcome) => outcome.status === 'done')).toBe(true);
    expect(violations).toEqual([]);
    expect(recvTypes(result.history, 'agent-1')).toContain('task_assign');
    expect(result.trace.some((step) => /close 1002 idle_timeout|write gave up/.test(step.what))).toBe(true);
  });

  it('a dropped link loses what was in flight; a slow link only delays it', async () => {
    const actions: Action[] = [
      { kind: 'connect', agent: 0, capabilities: [], behaviour: 'complete' },
      { kind: 'delay-link', agent: 0, ms: 150 },
      { kind: 'submit', priority: 'normal', capabilities: [], maxRetries: 1, completeBy: 'none' },
      { kind: 'drop-link', agent: 0 },
      { kind: 'connect', agent: 1, capabilities: [], behaviour: 'complete' },
    ];
    const { result, violations } = await playOnce(config, 1, actions);
    expect(violations).toEqual([]);
    expect(recvTypes(result.history, 'agent-0')).not.toContain('task_assign');
    expect(recvTypes(result.history, 'agent-1')).toContain('task_assign');
  });

  it('network-fault actions are skipped against a real network', async () => {
    const embedded = { ...config, targets: localTargets({ sim: false, faults: [] }) };
    const { result } = await playOnce(embedded, 1, [
      { kind: 'connect', agent: 0, capabilities: [], behaviour: 'complete' },
      { kind: 'half-open', agent: 0 },
    ]);
    expect(result.outcomes[1]).toEqual({ status: 'skipped', reason: 'only a simulated network can be bent' });
  });
});
