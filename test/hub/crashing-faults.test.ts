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
import { realClock } from '../../src/hub/net/real-clock.js';
import { HubRuntime } from '../../src/hub/net/hub-runtime.js';
import { ofType, RawSocket, withDeadline, withHub, type HubFixture } from '../protocol/support.js';
import { request } from 'undici';
import WebSocket from 'ws';

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

/** Resolves with the error `fx.http` rejects with, or rejects if the hub answered. */
async function refusal(fx: HubFixture): Promise<string> {
  const answered = await fx.http('GET', '/health').then(
    (reply) => `answered ${reply.status}`,
    (error: NodeJS.ErrnoException) => error.code ?? String(error),
  );
  return answered;
}

describe('progress-crashes-hub over the network', () => {
  it('drops every socket without a close frame, refuses connections, and restart() brings it back on its port with its data', async () => {
    let crashed = 0;
    await withHub({ faults: ['progress-crashes-hub'], onCrash: () => crashed++ }, async (fx) => {
      const { sock, id } = await fx.agentWithTask('a');
      const { url, adminToken } = fx.hub;
      sock.send({ type: 'task_progress', task_id: id, progress: 10 });
      expect((await sock.waitClosed()).code).toBe(1006);
      expect(sock.pending()).toEqual([]);
      await expect.poll(() => crashed, { timeout: 2_000 }).toBe(1);
      expect(await refusal(fx)).toBe('ECONNREFUSED');
      expect(await refusal(fx)).toBe('ECONNREFUSED');

      await fx.restart();
      expect(fx.hub.url).toBe(url);
      expect(fx.hub.adminToken).toBe(adminToken);
      expect((await fx.task(id)).description).toBe('work');
      // The fault is still on: the task, handed out again after the restart, crashes it again.
      const again = await fx.openAgent('b');
      const assign = await again.next(ofType('task_assign', id));
      again.send({ type: 'task_progress', task_id: id, generation: assign.generation });
      expect((await again.waitClosed()).code).toBe(1006);
      await expect.poll(() => crashed, { timeout: 2_000 }).toBe(2);
    });
  });
});

/** A store whose crash release waits for the test: the hub is caught halfway through crashing. */
class HeldAbandonStore extends MemoryStore {
  release: (() => void) | undefined;

  override abandon(): Promise<void> {
    return new Promise((resolve) => (this.release = resolve));
  }
}

describe('a network runtime that is crashing', () => {
  it('a stop asked halfway through the crash resolves only once the crash has freed the port', async () => {
    const store = new HeldAbandonStore();
    const env = { ids: countingIds(), faults: parseFaults(['progress-crashes-hub']), timers: AGENTCOM_TIMERS, adminAgents: new Set(['admin']) };
    const runtime = await HubRuntime.start({ host: '127.0.0.1', port: 0, clock: realClock, env, store });
    const sockets: WebSocket[] = [];
    try {
      const mint = await request(`http://127.0.0.1:${runtime.port}/admin/tokens`, {
        method: 'POST',
        headers: { authorization: `Bearer ${runtime.adminToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ agent_id: 'a' }),
      });
      const { token } = (await mint.body.json()) as { token: string };
      const sock = new RawSocket(new WebSocket(`ws://127.0.0.1:${runtime.port}/ws`));
      sockets.push(sock.ws);
      await withDeadline(new Promise((resolve) => sock.ws.once('open', resolve)), 2_000, 'no WebSocket');
      sock.send({ type: 'identify', agent_id: 'a', token });
      await sock.next(ofType('identified'));
      sock.send({ type: 'task_progress', task_id: 'task-0' });
      await expect.poll(() => store.release !== undefined, { timeout: 2_000 }).toBe(true);

      let stopped = false;
      const stop = runtime.stop().then(() => (stopped = true));
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(stopped).toBe(false);
      store.release?.();
      await withDeadline(stop, 2_000, 'the stop never ended');
      await expect(request(`http://127.0.0.1:${runtime.port}/health`)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
      expect((await sock.waitClosed()).code).toBe(1006);
    } finally {
      store.release?.();
      await runtime.stop();
      for (const ws of sockets) ws.terminate();
    }
  });
});

/** The real clock, its timers 100 times shorter: the 30 s stall lasts 300 ms. */
const STALL_MS = 300;
const hurriedClock = { ...realClock, setTimeout: (fn: () => void, ms: number) => realClock.setTimeout(fn, ms / 100) };

describe('stall-after-dead-letter over the network', () => {
  it('answers nothing, HTTP or WebSocket, for the stall once a task is dead-lettered; then all of it, in order', async () => {
    await withHub({ faults: ['stall-after-dead-letter'], clock: hurriedClock }, async (fx) => {
      const { sock, id, assign } = await fx.agentWithTask('a', { max_retries: 1 });
      const started = Date.now();
      sock.send({ type: 'task_failed', task_id: id, generation: assign.generation });
      sock.send({ type: 'ping' });
      let healthAt = 0;
      const health = fx.http('GET', '/health').then((reply) => {
        healthAt = Date.now();
        return reply.status;
      });
      await new Promise((resolve) => setTimeout(resolve, STALL_MS / 2));
      expect(sock.pending()).toEqual([]);
      expect(healthAt).toBe(0);

      expect(await withDeadline(health, 5_000, 'no answer after the stall')).toBe(200);
      expect(healthAt - started).toBeGreaterThanOrEqual(STALL_MS - 20);
      expect((await sock.next(ofType('task_ack', id))).status).toBe('dead_letter');
      await sock.next(ofType('pong'));
      expect(sock.frames.map((frame) => frame.type).slice(-2)).toEqual(['task_ack', 'pong']);
    });
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
