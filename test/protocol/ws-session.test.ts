// docs/protocol.md#websocket-messages: identify, errors before and after identify,
// binary frames, ping, and session replacement.
import { describe, expect, it } from 'vitest';
import { errorFrame, eventually, ofType, useHub } from './support.js';

const anyReply = (f: { type?: string }) => f.type !== 'agent_joined' && f.type !== 'agent_left' && f.type !== 'status_changed';

describe('identify', () => {
  const h = useHub();

  it('answers identified with the agent_id', async () => {
    const token = await h.mint('a1');
    const sock = await h.connect();
    sock.send({ type: 'identify', agent_id: 'a1', token, name: 'Agent One', status: 'ready', capabilities: ['x'] });
    expect(await sock.next(anyReply)).toEqual({ type: 'identified', agent_id: 'a1' });
    const states = await h.agentStates();
    expect(states.map((a) => a.agent_id)).toEqual(['a1']);
    expect(states[0].capabilities).toEqual(['x']);
  });

  it('an unknown token is invalid_token and leaves the socket unidentified', async () => {
    const sock = await h.connect();
    sock.send({ type: 'identify', agent_id: 'a1', token: 'f'.repeat(64) });
    expect(await sock.next(anyReply)).toEqual({ type: 'error', error: 'invalid_token' });
    sock.send({ type: 'ping' });
    expect(await sock.next(anyReply)).toEqual({ type: 'error', error: 'not_identified' });
    expect(await h.agentStates()).toEqual([]);
  });

  it("another agent's token is token_agent_mismatch", async () => {
    const token = await h.mint('owner');
    const sock = await h.connect();
    sock.send({ type: 'identify', agent_id: 'impostor', token });
    expect(await sock.next(anyReply)).toEqual({ type: 'error', error: 'token_agent_mismatch' });
    expect(await h.agentStates()).toEqual([]);
  });

  it.each([
    ['ping', { type: 'ping' }],
    ['a task message', { type: 'task_accepted', task_id: 'task-0000000000000000' }],
    ['an unknown type', { type: 'bogus' }],
    ['a JSON array', [1, 2]],
    ['a JSON string', 'identify'],
    ['a JSON number', 42],
    ['JSON null', null],
    ['identify without agent_id', { type: 'identify', token: 'TOKEN' }],
  ])('%s before identify is not_identified', async (_, frame) => {
    const token = await h.mint('a1');
    const sock = await h.connect();
    sock.send(frame && typeof frame === 'object' && 'token' in frame ? { ...frame, token } : frame);
    expect(await sock.next(anyReply)).toEqual({ type: 'error', error: 'not_identified' });
    expect(sock.isOpen).toBe(true);
  });

  it('text that is not JSON is invalid_json, before and after identify', async () => {
    const raw = await h.connect();
    raw.sendRaw('{not json');
    expect(await raw.next(anyReply)).toEqual({ type: 'error', error: 'invalid_json' });
    const sock = await h.openAgent('a1');
    sock.sendRaw('}}');
    expect(await sock.next(anyReply)).toEqual({ type: 'error', error: 'invalid_json' });
    await sock.sync();
  });

  it('identifying twice on one socket answers identified again', async () => {
    const token = await h.mint('a1');
    const sock = await h.openAgent('a1', [], { token });
    sock.send({ type: 'identify', agent_id: 'a1', token });
    expect(await sock.next(anyReply)).toEqual({ type: 'identified', agent_id: 'a1' });
    await sock.sync();
    expect(sock.isOpen).toBe(true);
  });
});

describe('after identify', () => {
  const h = useHub();

  it.each([
    ['an unknown type', { type: 'bogus' }],
    ['a frame without type', { task_id: 'task-0000000000000000' }],
    ['task_accepted without task_id', { type: 'task_accepted' }],
    ['task_progress without task_id', { type: 'task_progress', progress: 5 }],
    ['task_complete without task_id', { type: 'task_complete', generation: 1 }],
    ['task_failed without task_id', { type: 'task_failed', generation: 1 }],
    ['task_recovering without task_id', { type: 'task_recovering' }],
    ['a JSON array', []],
    ['a JSON number', 7],
    ['a JSON string', 'ping'],
    ['JSON null', null],
  ])('%s is unknown_message_type', async (_, frame) => {
    const sock = await h.openAgent('a1');
    sock.send(frame);
    expect(await sock.next(anyReply)).toEqual({ type: 'error', error: 'unknown_message_type' });
    await sock.sync();
  });

  it('ping answers pong with the hub time in ms', async () => {
    const sock = await h.openAgent('a1');
    const before = Date.now();
    sock.send({ type: 'ping' });
    const pong = await sock.next(ofType('pong'));
    expect(Object.keys(pong).sort()).toEqual(['timestamp', 'type']);
    expect(pong.timestamp).toBeGreaterThanOrEqual(before - 5);
    expect(pong.timestamp).toBeLessThanOrEqual(Date.now() + 5);
  });

  it('a binary frame closes the socket with 1003, identified or not', async () => {
    const raw = await h.connect();
    raw.sendRaw(Buffer.from('{"type":"ping"}'), true);
    expect((await raw.waitClosed()).code).toBe(1003);
    const sock = await h.openAgent('a1');
    sock.sendRaw(Buffer.from([1, 2, 3]), true);
    expect((await sock.waitClosed()).code).toBe(1003);
    expect((await h.http('GET', '/health')).status).toBe(200);
  });

  it('messages of unknown kinds from other agents do not break a session', async () => {
    const a = await h.openAgent('a1');
    const b = await h.openAgent('b1');
    a.send({ type: 'message', to: 'b1', payload: { hi: 1 } });
    a.send({ type: 'channel_message', channel: 'c', payload: {} });
    await a.sync();
    await b.sync();
    expect(a.isOpen && b.isOpen).toBe(true);
  });
});

describe('session replacement', () => {
  const h = useHub();

  it('a second identify closes the first socket with 4001 session_replaced', async () => {
    const token = await h.mint('a1');
    const first = await h.openAgent('a1', [], { token });
    const second = await h.openAgent('a1', [], { token });
    expect(await first.waitClosed()).toEqual({ code: 4001, reason: 'session_replaced' });
    await second.sync();
    expect((await h.agentStates()).map((a) => a.agent_id)).toEqual(['a1']);
  });

  it('keeps the task assigned, does not resend task_assign, and later pushes go to the new socket', async () => {
    const token = await h.mint('a1');
    const first = await h.openAgent('a1', [], { token });
    const id = await h.submit();
    const assign = await first.next(ofType('task_assign', id));
    expect(assign.generation).toBe(1);

    const second = await h.openAgent('a1', [], { token });
    await first.waitClosed();
    const task = await h.task(id);
    expect(task).toMatchObject({ status: 'assigned', assigned_to: 'a1', generation: 1 });
    const [state] = await h.agentStates();
    expect(state).toMatchObject({ agent_id: 'a1', fsm_state: 'assigned', current_task_id: id });

    second.send({ type: 'task_recovering', task_id: id });
    expect(await second.next(ofType('task_continue', id))).toEqual({ type: 'task_continue', task_id: id, generation: 1 });
    expect(second.pending(ofType('task_assign'))).toEqual([]);

    second.send({ type: 'task_accepted', task_id: id });
    await second.next(ofType('task_ack', id));
    second.send({ type: 'task_complete', task_id: id, generation: 1 });
    expect(await second.next(ofType('task_ack', id))).toMatchObject({ status: 'complete' });

    const next = await h.submit();
    const pushed = await second.next(ofType('task_assign', next));
    expect(pushed.generation).toBe(1);
  });

  it('closing the replaced socket reclaims nothing', async () => {
    const token = await h.mint('a1');
    const first = await h.openAgent('a1', [], { token });
    const id = await h.submit();
    await first.next(ofType('task_assign', id));
    const second = await h.openAgent('a1', [], { token });
    await first.waitClosed();
    await second.sync();
    await h.http('GET', '/health');
    const task = await h.task(id);
    expect(task).toMatchObject({ status: 'assigned', assigned_to: 'a1', generation: 1 });
    expect(task.history.filter((e: { details: unknown }) => e.details === 'agent_disconnect')).toEqual([]);
    expect((await h.agentStates()).map((a) => a.agent_id)).toEqual(['a1']);
  });

  it('after the socket closes and the agent reconnects, the task was reclaimed and is assigned afresh', async () => {
    const first = await h.openAgent('a1');
    const id = await h.submit();
    expect((await first.next(ofType('task_assign', id))).generation).toBe(1);
    await first.close();
    await eventually(async () => expect(await h.agentStates()).toEqual([]));
    const again = await h.openAgent('a1');
    const assign = await again.next(ofType('task_assign', id));
    expect(assign.generation).toBe(3);
    again.send({ type: 'task_complete', task_id: id, generation: 1 });
    expect(await again.next(errorFrame('task_complete_failed: stale_generation'))).toBeTruthy();
  });
});
