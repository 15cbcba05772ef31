// The two faults that behave like a crashing production hub, seen from outside the core: the network shell
// really goes down (connections refused) for progress-crashes-hub, and the driver really answers nothing for
// the stall of stall-after-dead-letter, then takes what came meanwhile, in order.
import { describe, expect, it } from 'vitest';
import type { Action } from '../../src/actions/action.js';
import { countingIds } from './support/core-harness.js';
import { parseFaults } from '../../src/hub/faults/catalogue.js';
import { CoreDriver } from '../../src/hub/shell/core-driver.js';
import { MemoryStore } from '../../src/hub/store/memory-store.js';
import { AGENTCOM_TIMERS, type HubClock } from '../../src/hub/types.js';
import { playOnce } from '../../src/runner/fuzz.js';
import { lifecycle } from '../../properties/lifecycle.js';
import { localTargets } from '../../src/targets/choose.js';

/** An agent holds a task without finishing it, then reports progress on it. */
const PROGRESS: Action[] = [
  { kind: 'connect', agent: 0, capabilities: [], behaviour: 'ignore' },
  { kind: 'submit', priority: 'normal', capabilities: [], maxRetries: 1, completeBy: 'none' },
  { kind: 'wait', ms: 5 },
  { kind: 'progress', agent: 0 },
];

describe('progress-crashes-hub on the embedded hub', () => {
  it('closes its listener and sockets: the run ends with the hub down, connections refused', async () => {
    const config = { family: lifecycle, agents: 1, timeoutPerRunMs: 30_000, targets: localTargets({ sim: false, faults: ['progress-crashes-hub'] }) };
    const { result, violations } = await playOnce(config, 1, PROGRESS);
    expect(result.hubDown?.reason).toMatch(/ECONNREFUSED/);
    expect(violations.map((v) => `${v.invariant}/${v.kind}`)).toContain('I10/hub-down');
    expect(result.history.some((e) => e.kind === 'ws_close' && e.payload.by === 'server')).toBe(true);
    const correct = await playOnce({ ...config, targets: localTargets({ sim: false, faults: [] }) }, 1, PROGRESS);
    expect(correct.violations).toEqual([]);
  });
});

/** A clock whose timers fire only when the test says. */
function manualClock(): HubClock & { fire(): void; pending(): number } {
  const timers = new Map<number, () => void>();
  let next = 0;
  return {
    now: () => 1_000_000,
    setTimeout: (fn) => {
      timers.set(++next, fn);
      return next;
    },
    clearTimeout: (handle) => void timers.delete(handle as number),
    runNext: (fn) => fn(),
    fire() {
      const due = [...timers.entries()];
      timers.clear();
      for (const [, fn] of due) fn();
    },
    pending: () => timers.size,
  };
}

describe('stall-after-dead-letter in the core driver', () => {
  it('answers nothing once a task is dead-lettered, until the stall ends; then everything, in order', async () => {
    const clock = manualClock();
    const replies: Array<{ reqId: number; status: number; body: Record<string, unknown> }> = [];
    const frames: Array<Record<string, unknown>> = [];
    const env = { ids: countingIds(), faults: parseFaults(['stall-after-dead-letter']), timers: AGENTCOM_TIMERS, adminAgents: new Set(['admin']) };
    const driver = await CoreDriver.start(
      { clock, env, store: new MemoryStore() },
      {
        send: (_conn, frame) => frames.push(frame),
        close: () => undefined,
        reply: (reqId, status, body) => replies.push({ reqId, status, body: body as Record<string, unknown> }),
        crash: () => undefined,
      },
    );
    const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
    const request = async (reqId: number, method: string, target: string, body: unknown = {}): Promise<void> => {
      const headers = { authorization: `Bearer ${driver.adminToken}`, contentType: 'application/json' };
      driver.dispatch({ type: 'http', reqId, request: { method, target, ...headers, body: JSON.stringify(body) } });
      await settle();
    };
    const frame = async (text: Record<string, unknown>): Promise<void> => {
      driver.dispatch({ type: 'ws_text', connId: 1, text: JSON.stringify(text) });
      await settle();
    };

    await request(1, 'POST', '/admin/tokens', { agent_id: 'a' });
    driver.dispatch({ type: 'ws_open', connId: 1 });
    await frame({ type: 'identify', agent_id: 'a', token: replies[0]?.body.token });
    await request(2, 'POST', '/api/tasks', { description: 'x', max_retries: 1 });
    const push = frames.find((f) => f.type === 'task_assign');
    await frame({ type: 'task_failed', task_id: push?.task_id, generation: push?.generation });
    await request(3, 'GET', '/health');
    expect(replies.map((r) => r.reqId)).toEqual([1, 2]);
    expect(frames.some((f) => f.type === 'task_ack')).toBe(false);

    clock.fire();
    await settle();
    await settle();
    expect(replies.map((r) => r.reqId)).toEqual([1, 2, 3]);
    expect(frames.filter((f) => f.type === 'task_ack').map((f) => f.status)).toEqual(['dead_letter']);
    await driver.stop(true, 0);
  });
});
