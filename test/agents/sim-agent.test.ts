import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SimAgent, type SimAgentOptions } from '../../src/agents/sim-agent.js';
import { HistoryRecorder } from '../../src/history/recorder.js';
import { waitFor } from '../../src/testing/wait-for.js';
import type { HistoryEvent } from '../../models/history.js';
import { identifyAnswer, startStubWsServer, type StubSocket, type StubWsServer } from './stub-ws-server.js';

const TOKEN = 'ab'.repeat(32);

let server: StubWsServer;
let agents: SimAgent[];

beforeEach(async () => {
  server = await startStubWsServer();
  agents = [];
});

afterEach(async () => {
  for (const agent of agents) agent.dispose();
  await server.close();
});

function newAgent(options: Partial<SimAgentOptions> = {}): SimAgent {
  const agent = new SimAgent({ agentId: 'agent-1', token: TOKEN, wsUrl: server.url, recorder: new HistoryRecorder(), ...options });
  agents.push(agent);
  return agent;
}

async function started(options: Partial<SimAgentOptions> = {}): Promise<{ agent: SimAgent; stub: StubSocket }> {
  const agent = newAgent(options);
  await agent.start();
  return { agent, stub: await server.waitForSockets(1) };
}

function assign(stub: StubSocket, taskId: string, generation: number): void {
  server.push(stub, { type: 'task_assign', task_id: taskId, description: 'd', metadata: {}, generation, assigned_at: Date.now() });
}

function kinds(agent: SimAgent): string[] {
  return agent.recorder.snapshot().map((event) => event.kind);
}

function closeEvents(agent: SimAgent): Array<Extract<HistoryEvent, { kind: 'ws_close' }>['payload']> {
  return agent.recorder.snapshot().flatMap((event) => (event.kind === 'ws_close' ? [event.payload] : []));
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('identify', () => {
  it('sends name, status idle and capabilities, and is identified by the answer', async () => {
    const { agent, stub } = await started({ capabilities: ['code', { name: 'review' }], name: 'Sim One' });
    expect(stub.frames[0]).toEqual({
      type: 'identify',
      agent_id: 'agent-1',
      token: TOKEN,
      name: 'Sim One',
      status: 'idle',
      capabilities: ['code', { name: 'review' }],
    });
    expect(agent.identified).toBe(true);
    expect(agent.connected).toBe(true);
  });

  it('resolves with an error answer, and start() throws on it', async () => {
    server.onFrame = (frame, stub) => {
      if (frame.type === 'identify') server.push(stub, { type: 'error', error: 'invalid_token' });
    };
    const agent = newAgent();
    await agent.connect();
    expect(await agent.identify({ token: 'f'.repeat(64) })).toEqual({ type: 'error', error: 'invalid_token' });
    expect(agent.identified).toBe(false);
    await expect(agent.start()).rejects.toThrow(/identify refused: .*invalid_token/);
  });

  it('times out naming what it waited for when the hub never answers', async () => {
    server.onFrame = () => undefined;
    const agent = newAgent({ replyTimeoutMs: 100 });
    await agent.connect();
    await expect(agent.identify()).rejects.toThrow(/timed out after 100 ms waiting for the answer to identify/);
  });
});

describe('behaviours', () => {
  it('complete: accepts, then completes echoing the generation', async () => {
    const { agent, stub } = await started({ behaviour: 'complete' });
    assign(stub, 'task-1', 3);
    const complete = await server.waitForFrame(stub, 'task_complete');
    const types = stub.frames.map((frame) => (frame as { type: string }).type);
    expect(types).toEqual(['identify', 'task_accepted', 'task_complete']);
    expect(complete).toMatchObject({ task_id: 'task-1', generation: 3, result: { output: 'done by agent-1' } });
    expect(complete.tokens_used).toBeGreaterThan(0);
    expect(complete.tokens_used).toBeLessThanOrEqual(500);
    expect(agent.held).toMatchObject({ taskId: 'task-1', generation: 3, accepted: true, finishing: true });

    server.push(stub, { type: 'task_ack', task_id: 'task-1', status: 'complete' });
    await waitFor(() => agent.completedCount === 1, { timeoutMs: 1_000, what: 'the ack to count' });
    expect(agent.held).toBeNull();
    expect(agent.receivedTasks).toEqual([expect.objectContaining({ taskId: 'task-1', generation: 3, description: 'd' })]);
  });

  it('fail: accepts, then fails with the generation and an error string; a retried ack clears the task', async () => {
    const { agent, stub } = await started({ behaviour: 'fail' });
    assign(stub, 'task-2', 1);
    const failed = await server.waitForFrame(stub, 'task_failed');
    expect(failed).toMatchObject({ task_id: 'task-2', generation: 1, error: expect.any(String) });
    server.push(stub, { type: 'task_ack', task_id: 'task-2', status: 'retried' });
    await waitFor(() => agent.held === null, { timeoutMs: 1_000, what: 'the held task to clear' });
    expect(agent.completedCount).toBe(0);
  });

  it('ignore: sends nothing, until a switch to complete finishes the held task', async () => {
    const { agent, stub } = await started({ behaviour: 'ignore' });
    assign(stub, 'task-3', 2);
    await waitFor(() => agent.held, { timeoutMs: 1_000, what: 'the task to be held' });
    await sleep(50);
    expect(stub.frames).toHaveLength(1);
    expect(agent.held).toMatchObject({ taskId: 'task-3', accepted: false });

    agent.setBehaviour('complete');
    expect(await server.waitForFrame(stub, 'task_complete')).toMatchObject({ task_id: 'task-3', generation: 2 });
    expect(await server.waitForFrame(stub, 'task_accepted')).toMatchObject({ task_id: 'task-3' });
  });

  it('delay: accepts at once and completes after the delay', async () => {
    const { stub } = await started({ behaviour: { delay: 150 } });
    const assignedAt = Date.now();
    assign(stub, 'task-4', 1);
    await server.waitForFrame(stub, 'task_accepted');
    expect(Date.now() - assignedAt).toBeLessThan(150);
    await server.waitForFrame(stub, 'task_complete');
    expect(Date.now() - assignedAt).toBeGreaterThanOrEqual(145);
  });

  it('delay: a kill clears the pending completion', async () => {
    const { agent, stub } = await started({ behaviour: { delay: 100 } });
    assign(stub, 'task-5', 1);
    await server.waitForFrame(stub, 'task_accepted');
    agent.killConnection();
    await waitFor(() => stub.closedWith, { timeoutMs: 1_000, what: 'the stub to see the socket end' });
    await sleep(150);
    expect(stub.frames.some((frame) => (frame as { type: string }).type === 'task_complete')).toBe(false);
  });

  it('switching from delay to complete finishes at once', async () => {
    const { agent, stub } = await started({ behaviour: { delay: 60_000 } });
    assign(stub, 'task-6', 7);
    await server.waitForFrame(stub, 'task_accepted');
    agent.setBehaviour('complete');
    expect(await server.waitForFrame(stub, 'task_complete')).toMatchObject({ generation: 7 });
    expect(stub.frames.filter((frame) => (frame as { type: string }).type === 'task_accepted')).toHaveLength(1);
  });

  it('task_continue sets the generation to echo, and the behaviour applies', async () => {
    const { agent, stub } = await started({ behaviour: 'ignore' });
    assign(stub, 'task-7', 1);
    await waitFor(() => agent.held, { timeoutMs: 1_000, what: 'the task to be held' });
    agent.recover('task-7');
    await server.waitForFrame(stub, 'task_recovering');
    server.push(stub, { type: 'task_continue', task_id: 'task-7', generation: 4 });
    await waitFor(() => agent.held?.generation === 4, { timeoutMs: 1_000, what: 'generation 4 to be held' });
    agent.setBehaviour('complete');
    expect(await server.waitForFrame(stub, 'task_complete')).toMatchObject({ task_id: 'task-7', generation: 4 });
  });

  it('task_reassign drops the held task', async () => {
    const { agent, stub } = await started({ behaviour: 'ignore' });
    assign(stub, 'task-8', 1);
    await waitFor(() => agent.held, { timeoutMs: 1_000, what: 'the task to be held' });
    server.push(stub, { type: 'task_reassign', task_id: 'task-8' });
    await waitFor(() => agent.held === null, { timeoutMs: 1_000, what: 'the held task to be dropped' });
  });

  it('an error answer to its own completion clears the held task; one to a stale probe does not', async () => {
    const { agent, stub } = await started({ behaviour: 'ignore' });
    assign(stub, 'task-9', 2);
    await waitFor(() => agent.held, { timeoutMs: 1_000, what: 'the task to be held' });
    agent.complete('task-9', 1);
    server.push(stub, { type: 'error', error: 'task_complete_failed: stale_generation' });
    await agent.waitForFrame((frame) => frame.type === 'error', { timeoutMs: 1_000, what: 'the error' });
    expect(agent.held).toMatchObject({ taskId: 'task-9', finishing: false });

    agent.complete('task-9');
    server.push(stub, { type: 'error', error: 'task_complete_failed: invalid_state' });
    await waitFor(() => agent.held === null, { timeoutMs: 1_000, what: 'the held task to clear' });
  });

  it('ignores unknown frame types and records text that is not JSON as raw', async () => {
    const { agent, stub } = await started({ behaviour: 'complete' });
    server.push(stub, { type: 'agent_joined', agent_id: 'other' });
    server.push(stub, 'not json {');
    server.push(stub, { type: 'ping' });
    await waitFor(() => agent.recorder.snapshot().filter((event) => event.kind === 'ws_recv').length === 4, {
      timeoutMs: 1_000,
      what: 'four received frames',
    });
    const received = agent.recorder.snapshot().filter((event) => event.kind === 'ws_recv');
    expect(received[2]?.payload).toEqual({ conn: 1, raw: 'not json {' });
    expect(stub.frames).toHaveLength(1);
  });
});

describe('deliberate actions', () => {
  it('send: raw text, JSON and binary go out as given and are recorded', async () => {
    const { agent, stub } = await started({ behaviour: 'ignore' });
    agent.send('{oops');
    agent.send({ type: 'task_complete', task_id: 't', generation: '1' });
    agent.sendBinary(Buffer.from([1, 2, 3]));
    agent.ping();
    await waitFor(() => stub.frames.length === 5, { timeoutMs: 1_000, what: 'five frames at the stub' });
    expect(stub.frames.slice(1)).toEqual(['{oops', { type: 'task_complete', task_id: 't', generation: '1' }, { binary: true }, { type: 'ping' }]);
    const sent = agent.recorder.snapshot().flatMap((event) => (event.kind === 'ws_send' ? [event.payload] : []));
    expect(sent.slice(1)).toEqual([
      { conn: 1, raw: '{oops' },
      { conn: 1, frame: { type: 'task_complete', task_id: 't', generation: '1' } },
      { conn: 1, binary: true },
      { conn: 1, frame: { type: 'ping' } },
    ]);
  });

  it('complete without a known generation leaves the field out; an explicit one is echoed as given', async () => {
    const { agent, stub } = await started({ behaviour: 'ignore' });
    agent.complete('task-unknown');
    agent.fail('task-unknown', '3', 'bad');
    agent.progress('task-unknown', 50);
    agent.accept('task-unknown');
    const complete = await server.waitForFrame(stub, 'task_complete');
    expect(complete).not.toHaveProperty('generation');
    expect(await server.waitForFrame(stub, 'task_failed')).toEqual({ type: 'task_failed', task_id: 'task-unknown', generation: '3', error: 'bad' });
    expect(await server.waitForFrame(stub, 'task_progress')).toEqual({ type: 'task_progress', task_id: 'task-unknown', progress: 50 });
  });

  it('sending without a connection throws', () => {
    const agent = newAgent();
    expect(() => agent.ping()).toThrow(/agent-1: not connected; cannot send ping/);
  });

  it('waitForFrame rejects with what it waited for, and when the connection ends', async () => {
    const { agent, stub } = await started();
    await expect(agent.waitForFrame((frame) => frame.type === 'pong', { timeoutMs: 50, what: 'a pong' })).rejects.toThrow(
      'agent-1: timed out after 50 ms waiting for a pong on connection 1',
    );
    const waiting = agent.waitForFrame((frame) => frame.type === 'pong', { timeoutMs: 5_000, what: 'a pong' });
    stub.socket.close(4001, 'session_replaced');
    await expect(waiting).rejects.toThrow(/connection 1 ended \(server, code 4001, session_replaced\) while waiting for a pong/);
  });
});

describe('connections', () => {
  it('kill sends no close frame; close does; both are recorded with who ended it', async () => {
    const { agent, stub } = await started();
    agent.killConnection();
    await waitFor(() => stub.closedWith, { timeoutMs: 1_000, what: 'the stub to see the kill' });
    expect(stub.closedWith?.code).toBe(1006);
    await waitFor(() => !agent.connected, { timeoutMs: 1_000, what: 'the agent to see the kill' });

    await agent.reconnect();
    const second = await server.waitForSockets(2);
    await agent.close({ code: 1000, reason: 'bye' });
    await waitFor(() => second.closedWith, { timeoutMs: 1_000, what: 'the stub to see the close' });
    expect(second.closedWith).toEqual({ code: 1000, reason: 'bye' });
    expect(closeEvents(agent)).toEqual([
      { conn: 1, code: 1006, reason: '', by: 'client_kill' },
      { conn: 2, code: 1000, reason: 'bye', by: 'client_close' },
    ]);
  });

  it('a server close is recorded as by server with its code and reason', async () => {
    const { agent, stub } = await started();
    stub.socket.close(4001, 'session_replaced');
    await waitFor(() => !agent.connected, { timeoutMs: 1_000, what: 'the agent to see the close' });
    expect(closeEvents(agent)).toEqual([{ conn: 1, code: 4001, reason: 'session_replaced', by: 'server' }]);
  });

  it('reconnect with keepOld leaves the old socket open and sends from the new one', async () => {
    const { agent, stub: first } = await started();
    await agent.reconnect({ keepOld: true });
    const second = await server.waitForSockets(2);
    expect(first.closedWith).toBeUndefined();
    expect(agent.connectionId).toBe(2);
    agent.ping();
    await server.waitForFrame(second, 'ping');
    expect(first.frames).toHaveLength(1);

    await agent.close({ conn: 1 });
    expect(first.closedWith).toBeDefined();
    expect(agent.connected).toBe(true);
  });

  it('reconnect without keepOld closes the old socket first', async () => {
    const { agent, stub: first } = await started();
    await agent.reconnect();
    expect(first.closedWith).toBeDefined();
    expect(server.sockets).toHaveLength(2);
    expect(agent.identified).toBe(true);
    expect(kinds(agent)).toEqual(['ws_open', 'ws_send', 'ws_recv', 'ws_close', 'ws_open', 'ws_send', 'ws_recv']);
  });

  it('back after a kill, an agent still holding a task asks about it with task_recovering', async () => {
    const { agent, stub: first } = await started({ behaviour: 'ignore' });
    assign(first, 'task-7', 1);
    await waitFor(() => agent.held, { timeoutMs: 1_000, what: 'the task to be held' });
    agent.killConnection();
    await agent.reconnect();
    const second = await server.waitForSockets(2);
    expect(await server.waitForFrame(second, 'task_recovering')).toEqual({ type: 'task_recovering', task_id: 'task-7' });
    expect(agent.held).toMatchObject({ taskId: 'task-7', accepted: false, finishing: false });
  });

  it('a task pushed with the identify answer is worked on, not asked about', async () => {
    server.onFrame = (frame, stub) => {
      identifyAnswer(frame, stub);
      if (frame.type === 'identify') assign(stub, 'task-8', 1);
    };
    const { agent, stub } = await started({ behaviour: 'complete' });
    await server.waitForFrame(stub, 'task_complete');
    await sleep(30);
    expect(stub.frames.map((frame) => (frame as { type: string }).type)).toEqual(['identify', 'task_accepted', 'task_complete']);
    expect(agent.held).toMatchObject({ taskId: 'task-8', finishing: true });
  });

  it('a refused connection is recorded as connect_failed', async () => {
    const refusing = await startStubWsServer();
    const url = refusing.url;
    await refusing.close();
    const agent = newAgent({ wsUrl: url });
    await expect(agent.connect()).rejects.toThrow(/agent-1: connection 1 to .* failed/);
    expect(closeEvents(agent)).toEqual([{ conn: 1, code: 1006, reason: expect.stringMatching(/ECONNREFUSED/), by: 'connect_failed' }]);
  });

  it('a connection that never opens fails at the connect deadline (in-memory transport)', async () => {
    let killed = false;
    const agent = newAgent({
      connectTimeoutMs: 80,
      transport: (_url, handlers) => ({
        sendText: () => undefined,
        sendBinary: () => undefined,
        close: () => undefined,
        kill: () => {
          killed = true;
          handlers.close({ code: 1006, reason: '' });
        },
      }),
    });
    const startedAt = Date.now();
    await expect(agent.connect()).rejects.toThrow(/did not open within 80 ms/);
    expect(Date.now() - startedAt).toBeLessThan(1_000);
    expect(killed).toBe(true);
    expect(closeEvents(agent)).toEqual([{ conn: 1, code: 1006, reason: 'did not open within 80 ms', by: 'connect_failed' }]);
  });

  it('a close the peer never finishes ends in a kill at the close deadline (in-memory transport)', async () => {
    const agent = newAgent({
      closeTimeoutMs: 60,
      transport: (_url, handlers) => {
        setImmediate(() => handlers.open());
        return {
          sendText: () => undefined,
          sendBinary: () => undefined,
          close: () => undefined,
          kill: () => handlers.close({ code: 1006, reason: '' }),
        };
      },
    });
    await agent.connect();
    await agent.close();
    expect(closeEvents(agent)).toEqual([{ conn: 1, code: 1006, reason: '', by: 'client_kill' }]);
  });

  it('dispose kills every socket, fails pending waits and can be called twice', async () => {
    const { agent, stub } = await started({ behaviour: { delay: 60_000 } });
    assign(stub, 'task-10', 1);
    await server.waitForFrame(stub, 'task_accepted');
    const waiting = agent.waitForFrame(() => false, { timeoutMs: 60_000, what: 'nothing' });
    agent.dispose();
    agent.dispose();
    await expect(waiting).rejects.toThrow('agent-1: disposed while waiting for nothing');
    await waitFor(() => stub.closedWith, { timeoutMs: 1_000, what: 'the stub to see the socket end' });
    await expect(agent.connect()).rejects.toThrow(/disposed/);
  });
});

describe('recording', () => {
  it('records every frame each way under the agent id, tokens redacted, sends before receives', async () => {
    const recorder = new HistoryRecorder();
    const { stub } = await started({ recorder, behaviour: 'complete', agentId: 'rec-agent' });
    assign(stub, 'task-r', 1);
    await server.waitForFrame(stub, 'task_complete');
    const events = recorder.snapshot();
    expect(events.every((event) => event.actor === 'rec-agent')).toBe(true);
    expect(events.map((event) => [event.kind, (event.payload as { frame?: { type?: string } }).frame?.type])).toEqual([
      ['ws_open', undefined],
      ['ws_send', 'identify'],
      ['ws_recv', 'identified'],
      ['ws_recv', 'task_assign'],
      ['ws_send', 'task_accepted'],
      ['ws_send', 'task_complete'],
    ]);
    expect(JSON.stringify(events)).not.toContain(TOKEN);
    expect(events[1]?.payload).toMatchObject({ frame: { token: `redacted:${TOKEN.slice(0, 8)}` } });
  });
});
