import { describe, expect, it } from 'vitest';
import { bucketOf } from '../../models/check.js';
import { buildModel } from '../../models/model.js';
import { HistoryBuilder } from './support/history-builder.js';
import { violationsOf } from './support/check.js';
import { cleanRun } from './support/scenarios.js';

const I10 = (h: HistoryBuilder) => violationsOf(h.build(), 'I10');

describe('I10 availability', () => {
  it('holds for a correct run, with a restart that drops requests and sockets', () => {
    expect(I10(cleanRun().h)).toEqual([]);
    const h = new HistoryBuilder();
    const a1 = h.at(0).connect('a1');
    h.at(10).send(a1, { type: 'ping' });
    h.at(11).hub('restart_begin', true);
    h.at(12).http('GET', '/health', null);
    h.at(30).hub('restart_end');
    expect(I10(h)).toEqual([]);
  });

  it('flags a 5xx and a request left unanswered while the hub was up', () => {
    const h = new HistoryBuilder();
    const crashed = h.at(10).http('GET', '/api/tasks', 500, { error: 'boom' });
    const lost = h.at(20).http('GET', '/health', null);
    expect(I10(h).map((v) => v.evidence)).toEqual([[crashed], [lost]]);
  });

  it('flags a replaced session the hub never closed', () => {
    const h = new HistoryBuilder();
    const old = h.at(0).connect('a1');
    h.at(100).connect('a1');
    h.at(1_000).agentStates();
    expect(I10(h).map((v) => v.message)).toEqual([
      `a1 identified again on connection 2 at t=100ms, but its older connection ${old} was never closed; the hub must close a replaced session with 4001 (within 500 ms)`,
    ]);
    // One defect, two symptoms (this one and a push to the old socket, below): one bucket.
    expect(I10(h).map(bucketOf)).toEqual(['I10/replaced-session-kept']);
  });

  it('flags a task assigned after a session was replaced but pushed to the old socket', () => {
    const h = new HistoryBuilder();
    const old = h.at(0).connect('a1');
    h.at(100).connect('a1');
    const task = h.at(150).submit();
    h.at(160).assign(old, task);
    h.at(170).close(old, 'server', 4001, 'session_replaced');
    expect(I10(h).map((v) => v.message)).toEqual([
      `a1 moved to connection 2 at t=100ms, but task ${task} assigned later (assigned_at ${h.view(task).assigned_at}) was pushed to its replaced connection ${old}`,
    ]);
    expect(I10(h).map(bucketOf)).toEqual(['I10/replaced-session-kept']);
  });

  it('holds when the replaced session is closed with 4001', () => {
    const h = new HistoryBuilder();
    const old = h.at(0).connect('a1');
    h.at(100).connect('a1');
    h.at(101).close(old, 'server', 4001, 'session_replaced');
    h.at(1_000).agentStates();
    expect(I10(h)).toEqual([]);
  });

  it('flags a close code outside the contract, and allows session_replaced', () => {
    const h = new HistoryBuilder();
    const a1 = h.at(0).connect('a1');
    const a2 = h.connect('a2');
    h.at(10).close(a1, 'server', 4001, 'session_replaced');
    const bad = h.events.length;
    h.at(11).close(a2, 'server', 1011, 'internal');
    expect(I10(h)).toEqual([expect.objectContaining({ invariant: 'I10', evidence: [bad] })]);
  });

  it('flags a frame the hub never answered before closing the socket', () => {
    const h = new HistoryBuilder();
    const a1 = h.at(0).connect('a1');
    const ping = h.at(10).send(a1, { type: 'ping' });
    h.at(2_000).close(a1, 'server', 1002, 'idle');
    expect(I10(h)).toEqual([expect.objectContaining({ message: expect.stringContaining('ping sent on connection'), evidence: [ping, ping + 1] })]);
  });

  it('does not judge frames the client gave up on', () => {
    const h = new HistoryBuilder();
    const a1 = h.at(0).connect('a1');
    h.at(10).send(a1, { type: 'ping' });
    h.at(2_000).close(a1, 'client_kill');
    expect(I10(h)).toEqual([]);
  });

  it('flags a reply that answers no frame', () => {
    const h = new HistoryBuilder();
    const a1 = h.at(0).connect('a1');
    h.at(10).send(a1, { type: 'ping' });
    h.recv(a1, { type: 'task_ack', task_id: 'x', status: 'accepted' });
    expect(I10(h).map((v) => v.message)).toEqual([
      `on connection ${a1}, the task_ack received at t=10ms answers no frame sent before it: a reply came unasked`,
    ]);
  });

  it('pairs replies by what they say, so a missing reply shifts no other pairing', () => {
    const h = new HistoryBuilder();
    const a1 = h.at(0).connect('a1');
    const task = h.at(10).submit();
    h.assign(a1, task);
    h.accept(a1, task);
    const failed = h.at(20).fail(a1, task, { reply: 'none' });
    h.at(30).send(a1, { type: 'ping' });
    h.recv(a1, { type: 'pong', timestamp: 1 });
    h.send(a1, { type: 'task_recovering', task_id: task });
    h.recv(a1, { type: 'task_reassign', task_id: task });
    h.send(a1, { type: 'task_complete', task_id: 'task-elsewhere', generation: 1 });
    h.recv(a1, { type: 'error', error: 'task_complete_failed: not_found' });
    h.at(3_000).listTasks();
    const exchanges = buildModel(h.build()).connections.get(a1)?.exchanges ?? [];
    expect(exchanges.map((e) => [e.type, e.replyFrame?.type])).toEqual([
      ['identify', 'identified'],
      ['task_accepted', 'task_ack'],
      ['task_failed', undefined],
      ['ping', 'pong'],
      ['task_recovering', 'task_reassign'],
      ['task_complete', 'error'],
    ]);
    expect(I10(h).map((v) => [v.kind, v.evidence])).toEqual([['unanswered-frame', [failed]]]);
  });

  it('flags a restart the hub never came back from, and ends its outage at the next answer', () => {
    const h = new HistoryBuilder();
    h.at(0).connect('a1');
    h.at(100).hub('restart_begin', true);
    const failed = h.at(400).record({ actor: 'hub', kind: 'hub', payload: { event: 'restart_failed', crash: true, error: 'no listener' } });
    h.at(500).http('GET', '/api/tasks', null);
    h.at(800).http('GET', '/api/tasks', 200, { tasks: [], count: 0 });
    const late = h.at(900).http('GET', '/api/tasks', 503);
    expect(I10(h).map((v) => [v.kind, v.evidence])).toEqual([
      ['http-unanswered', [late]],
      ['restart-failed', [failed]],
    ]);
  });

  it('flags a frame the hub never answered while the socket stayed open', () => {
    const h = new HistoryBuilder();
    const a1 = h.at(0).connect('a1');
    const ping = h.at(10).send(a1, { type: 'ping' });
    h.at(3_000).listTasks();
    expect(I10(h).map((v) => v.message)).toEqual([`ping sent on connection ${a1} at t=10ms got no reply within 2500 ms, the socket open`]);
    expect(I10(h)[0]?.evidence).toEqual([ping]);
  });

  it("allows the real hub's 1011 for a binary frame, and only for one", () => {
    const h = new HistoryBuilder();
    const a1 = h.at(0).connect('a1');
    h.at(10).record({ actor: 'a1', kind: 'ws_send', payload: { conn: a1, binary: true, raw: '00ff' } });
    h.at(12).close(a1, 'server', 1011);
    const a2 = h.at(20).connect('a2');
    const bad = h.at(30).close(a2, 'server', 1011).events.length - 1;
    expect(I10(h).map((v) => [v.kind, v.evidence])).toEqual([['bad-close-code', [bad]]]);
    expect(violationsOf(h.build(), 'H3').map((v) => v.kind)).toEqual(['unexplained-close']);
  });
});
