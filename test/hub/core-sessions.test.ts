import { describe, expect, it } from 'vitest';
import { CoreHarness } from './support/core-harness.js';

describe('core: sessions and sockets', () => {
  it('answers identify errors and requires identify first', () => {
    const hub = new CoreHarness();
    const token = hub.token('a');
    const conn = hub.connect();
    hub.send(conn, { type: 'ping' });
    hub.send(conn, { type: 'identify', token });
    hub.send(conn, { type: 'identify', agent_id: 'a', token: 'f'.repeat(64) });
    hub.send(conn, { type: 'identify', agent_id: 'b', token });
    hub.event({ type: 'ws_text', connId: conn, text: '{nope' });
    hub.send(conn, { type: 'identify', agent_id: 'a', token });
    hub.send(conn, [1]);
    hub.send(conn, { type: 'whatever' });
    hub.send(conn, { type: 'task_accepted' });
    hub.send(conn, { type: 'ping' });
    expect(hub.frames(conn)).toEqual([
      { type: 'error', error: 'not_identified' },
      { type: 'error', error: 'not_identified' },
      { type: 'error', error: 'invalid_token' },
      { type: 'error', error: 'token_agent_mismatch' },
      { type: 'error', error: 'invalid_json' },
      { type: 'identified', agent_id: 'a' },
      { type: 'error', error: 'unknown_message_type' },
      { type: 'error', error: 'unknown_message_type' },
      { type: 'error', error: 'unknown_message_type' },
      { type: 'pong', timestamp: hub.now },
    ]);
  });

  it('a closed socket ends the session and reclaims its task, which goes to the next idle agent', () => {
    const hub = new CoreHarness();
    const a = hub.join('a');
    const task = hub.submit();
    const b = hub.join('b');
    hub.close(a);
    expect(hub.state.agents.has('a')).toBe(false);
    expect(hub.task(task).history[1]).toEqual({ event: 'reclaimed', timestamp: hub.now, details: 'agent_disconnect' });
    expect(hub.assignments(b)[0]).toMatchObject({ task_id: task, generation: 3 });
  });

  it('a second identify replaces the session: old socket closed 4001, task kept, fresh acceptance timer, no task_assign', () => {
    const hub = new CoreHarness({ timers: { acceptanceMs: 1_000 } });
    const old = hub.join('a');
    const task = hub.submit();
    hub.accept(old, task);
    hub.advance(600);
    const fresh = hub.connect();
    const effects = hub.send(fresh, { type: 'identify', agent_id: 'a', token: hub.token('a') });
    expect(hub.closes(effects)).toEqual([{ type: 'close', connId: old, code: 4001, reason: 'session_replaced' }]);
    expect(hub.frames(fresh)).toEqual([{ type: 'identified', agent_id: 'a' }]);
    expect(hub.fsm('a')).toBe('assigned');
    expect(hub.task(task)).toMatchObject({ status: 'assigned', assigned_to: 'a', generation: 1 });

    hub.close(old);
    expect(hub.task(task)).toMatchObject({ status: 'assigned', generation: 1 });
    hub.advance(999);
    expect(hub.task(task).generation).toBe(1);
    hub.advance(1);
    expect(hub.task(task).history[1]?.details).toBe('agent_disconnect');
    expect(hub.assignments(fresh)[0]).toMatchObject({ task_id: task, generation: 3 });
  });

  it('frames on the replaced socket are ignored; pushes go to the new socket', () => {
    const hub = new CoreHarness();
    const old = hub.join('a');
    const fresh = hub.join('a');
    const before = hub.frames(old).length;
    hub.send(old, { type: 'ping' });
    const task = hub.submit();
    expect(hub.frames(old)).toHaveLength(before);
    expect(hub.assignments(fresh)[0]?.task_id).toBe(task);
  });

  it('closes a socket with no frame either way for wsIdleMs (1002); any frame resets the clock', () => {
    const hub = new CoreHarness({ timers: { wsIdleMs: 1_000 } });
    const quiet = hub.connect();
    const chatty = hub.connect();
    hub.advance(800);
    hub.send(chatty, { type: 'ping' });
    hub.advance(200);
    expect(hub.closes()).toEqual([{ type: 'close', connId: quiet, code: 1002, reason: 'idle_timeout' }]);
    hub.advance(700);
    hub.event({ type: 'ws_activity', connId: chatty });
    hub.advance(999);
    expect(hub.closes()).toHaveLength(1);
    hub.advance(1);
    expect(hub.closes().at(-1)).toMatchObject({ connId: chatty, code: 1002 });
  });

  it('a binary frame closes the socket with 1003 and later frames are ignored', () => {
    const hub = new CoreHarness();
    const conn = hub.join('a');
    hub.event({ type: 'ws_binary', connId: conn });
    expect(hub.closes().at(-1)).toMatchObject({ connId: conn, code: 1003 });
    expect(hub.send(conn, { type: 'ping' })).toEqual([]);
  });

  it('admin reset: reply first, then every socket closes 1000 and every task is reclaimed; tokens stay', () => {
    const hub = new CoreHarness();
    const a = hub.join('a');
    const b = hub.join('b');
    const lurker = hub.connect();
    const t1 = hub.submit();
    const t2 = hub.submit();
    const before = hub.effects.length;
    expect(hub.http('POST', '/api/admin/reset', undefined, hub.token('a'))).toEqual({ status: 403, body: { error: 'admin_only' } });
    expect(hub.http('POST', '/api/admin/reset').body).toEqual({ status: 'reset_scheduled' });
    const effects = hub.effects.slice(before);
    const replyIndex = effects.findIndex((effect) => effect.type === 'reply' && effect.status === 200);
    const firstClose = effects.findIndex((effect) => effect.type === 'close');
    expect(replyIndex).toBeLessThan(firstClose);
    expect(hub.closes(effects).map((close) => [close.connId, close.code])).toEqual([
      [a, 1000],
      [b, 1000],
      [lurker, 1000],
    ]);
    expect(hub.state.agents.size).toBe(0);
    expect([hub.task(t1), hub.task(t2)].map((task) => [task.status, task.generation])).toEqual([
      ['queued', 2],
      ['queued', 2],
    ]);
    expect(hub.http('GET', '/api/agents/states').body.agents).toEqual([]);
    expect(hub.state.tokens.size).toBe(4);
  });
});

describe('core: restart', () => {
  it('starts from a snapshot with sessions gone: assigned tasks are reclaimed, the admin token kept', () => {
    const first = new CoreHarness();
    first.join('a');
    const task = first.submit();
    const snapshot = {
      tasks: [...first.state.tasks.values()].map((t) => structuredClone(t)),
      tokens: [...first.state.tokens],
      adminToken: first.adminToken,
    };
    const second = new CoreHarness({ snapshot });
    expect(second.adminToken).toBe(first.adminToken);
    expect(second.task(task)).toMatchObject({ status: 'queued', generation: 2, assigned_to: null });
    expect(second.effects.find((effect) => effect.type === 'persist')).toBeDefined();
    const next = second.submit();
    expect(second.task(next).seq).toBeGreaterThan(second.task(task).seq);
  });
});
