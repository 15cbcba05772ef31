import { describe, expect, it } from 'vitest';
import { buildModel } from '../../models/model.js';
import { HistoryBuilder, ORIGIN } from './support/history-builder.js';

describe('buildModel', () => {
  it('pairs frames with replies in order, skipping task_progress and pushes', () => {
    const h = new HistoryBuilder();
    const conn = h.at(0).connect('a1');
    const task = h.submit();
    h.at(5).assign(conn, task);
    h.send(conn, { type: 'task_progress', task_id: task, progress: 50 });
    const ping = h.send(conn, { type: 'ping' });
    h.recv(conn, { type: 'agent_joined', agent_id: 'a2' });
    const pong = h.recv(conn, { type: 'pong', timestamp: 1 });
    const exchanges = buildModel(h.build()).connections.get(conn)?.exchanges ?? [];
    expect(exchanges.map((e) => [e.type, e.expectsReply, e.replyFrame?.type])).toEqual([
      ['identify', true, 'identified'],
      ['task_progress', false, undefined],
      ['ping', true, 'pong'],
    ]);
    expect(exchanges[2]?.send.seq).toBe(ping);
    expect(exchanges[2]?.reply?.seq).toBe(pong);
  });

  it('expects a reply to task_progress before identify succeeded', () => {
    const h = new HistoryBuilder();
    const conn = h.open('a1');
    h.send(conn, { type: 'task_progress', task_id: 'x' });
    h.recv(conn, { type: 'error', error: 'not_identified' });
    const [exchange] = buildModel(h.build()).connections.get(conn)?.exchanges ?? [];
    expect(exchange?.replyFrame).toEqual({ type: 'error', error: 'not_identified' });
  });

  it('reads capabilities from strings and {name} objects', () => {
    const h = new HistoryBuilder();
    h.connect('a1', ['python', { name: 'gpu' }, 7]);
    expect(buildModel(h.build()).agents.get('a1')?.sessions[0]?.identity.capabilities).toEqual(['python', 'gpu']);
  });

  it('records per task its submission, pushes, reports and views', () => {
    const h = new HistoryBuilder();
    const conn = h.at(0).connect('a1');
    const task = h.at(10).submit({ priority: 'urgent', maxRetries: 0 });
    h.at(20).assign(conn, task);
    h.at(30).complete(conn, task, { generation: 7 });
    h.at(40).getTask(task);
    const record = buildModel(h.build()).tasks.get(task);
    expect(record?.submission).toMatchObject({ priority: 0, maxRetries: 0, createdAt: ORIGIN + 10 });
    expect(record?.pushes.map((p) => [p.kind, p.agentId, p.generation, p.assignedAt])).toEqual([['assign', 'a1', 1, ORIGIN + 20]]);
    expect(record?.reports.map((r) => [r.kind, r.outcome, r.error])).toEqual([['complete', 'rejected', 'task_complete_failed: stale_generation']]);
    expect(record?.views.map((v) => [v.source, v.task.status])).toEqual([['get', 'assigned']]);
    expect(record?.assignments.map((a) => [a.agentId, a.generation, a.views.length])).toEqual([['a1', 1, 1]]);
  });

  it('knows a task was queued between two views at the same generation', () => {
    const h = new HistoryBuilder();
    const task = h.at(10).submit();
    h.at(500).listTasks();
    expect(buildModel(h.build()).tasks.get(task)?.queuedSpans).toEqual([{ generation: 0, from: 10, to: 499, evidence: [2, 3] }]);
  });

  it('sees an agent idle from identify until a push, and again after its completion is answered', () => {
    const h = new HistoryBuilder();
    const conn = h.at(0).connect('a1');
    const task = h.at(10).submit();
    h.at(100).assign(conn, task);
    h.at(200).complete(conn, task);
    h.at(300).listTasks();
    expect(buildModel(h.build()).agents.get('a1')?.idle.map((s) => [s.from, s.to])).toEqual([
      [0, 100],
      [200, 300],
    ]);
  });

  it('lets an unaccepted task go once the acceptance timeout must have reclaimed it', () => {
    const h = new HistoryBuilder();
    const conn = h.at(0).connect('a1');
    const task = h.submit();
    h.at(100).assign(conn, task);
    h.at(5_000).listTasks();
    const [, later] = buildModel(h.build()).agents.get('a1')?.idle ?? [];
    expect(later).toMatchObject({ from: 100 + 1_000 + 500, to: 5_000 });
  });

  it('anchors the hub clock on created_at', () => {
    const h = new HistoryBuilder();
    h.at(100).submit();
    const window = buildModel(h.build()).clock.toHistory(ORIGIN + 100);
    expect(window.earliest).toBeLessThanOrEqual(100);
    expect(window.latest).toBeGreaterThanOrEqual(100);
    expect(window.latest - window.earliest).toBeLessThan(15);
  });

  it('ignores everything after teardown', () => {
    const h = new HistoryBuilder();
    h.phase('teardown');
    h.submit();
    expect(buildModel(h.build()).tasks.size).toBe(0);
  });
});
