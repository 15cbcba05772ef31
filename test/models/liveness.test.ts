import { describe, expect, it } from 'vitest';
import { HistoryBuilder } from './support/history-builder.js';
import { violationsOf } from './support/check.js';
import { cleanRun } from './support/scenarios.js';

const I6 = (h: HistoryBuilder) => violationsOf(h.build(), 'I6');

describe('I6 liveness', () => {
  it('holds for a correct run', () => {
    expect(I6(cleanRun().h)).toEqual([]);
  });

  it('flags a task left queued while a capable agent idles', () => {
    const h = new HistoryBuilder();
    h.at(0).connect('a1');
    const task = h.at(10).submit();
    const list = h.at(2_000).listTasks();
    const [v, ...rest] = I6(h);
    expect(rest).toEqual([]);
    expect(v?.message).toBe(`task ${task} stayed queued at generation 0 from t=10ms to t=1999ms while a1, able to take it, was idle (bound 500 ms)`);
    expect(v?.evidence).toContain(list);
  });

  it('holds while the agent sits on an unaccepted task the acceptance timeout has not yet reclaimed', () => {
    const h = new HistoryBuilder();
    const a1 = h.at(0).connect('a1');
    const first = h.at(10).submit();
    h.assign(a1, first);
    h.at(20).submit();
    h.at(1_400).listTasks();
    expect(I6(h)).toEqual([]);
  });

  it('flags a task still with an agent long after its socket died', () => {
    const h = new HistoryBuilder();
    const a1 = h.at(0).connect('a1');
    const task = h.at(10).submit();
    h.assign(a1, task);
    h.accept(a1, task);
    h.at(100).close(a1, 'client_kill');
    h.at(2_000).getTask(task);
    expect(I6(h).map((v) => v.message)).toEqual([
      `task ${task} was still assigned to a1 at generation 1 at t=1999ms, though its last connection (${a1}) closed at t=100ms (bound 1000 ms)`,
    ]);
  });

  it('holds when the push was in flight as the agent was killed and it came back at once', () => {
    const h = new HistoryBuilder();
    const a1 = h.at(0).connect('a1');
    const task = h.at(10).submit();
    h.at(100).close(a1, 'client_kill');
    h.assign(a1, task);
    h.events.pop();
    h.at(150).connect('a1');
    h.at(1_200).getTask(task);
    h.at(1_700).reclaim(task);
    const a2 = h.connect('a2');
    h.assign(a2, task);
    h.at(1_800).getTask(task);
    expect(violationsOf(h.build(), 'I6')).toEqual([]);
    expect(violationsOf(h.build(), 'I7')).toEqual([]);
    expect(violationsOf(h.build(), 'I2')).toEqual([]);
  });

  it('holds when a session replacement keeps the task', () => {
    const h = new HistoryBuilder();
    const old = h.at(0).connect('a1');
    const task = h.at(10).submit();
    h.assign(old, task);
    h.accept(old, task);
    const fresh = h.at(100).connect('a1');
    h.close(old, 'server', 4001, 'session_replaced');
    h.send(fresh, { type: 'task_recovering', task_id: task });
    h.recv(fresh, { type: 'task_continue', task_id: task, generation: 1 });
    h.accept(fresh, task);
    h.at(3_000).getTask(task);
    h.complete(fresh, task);
    h.at(3_100).snapshot();
    for (const id of ['I1', 'I3', 'I6', 'I7', 'I9', 'I10']) expect(violationsOf(h.build(), id)).toEqual([]);
  });

  it('does not stretch the bound with long sweep periods: scheduling is event-driven', () => {
    const h = new HistoryBuilder({ timers: { overdueSweepMs: 30_000, stuckSweepMs: 30_000 } });
    h.at(0).connect('a1');
    h.at(10).submit();
    h.at(2_000).listTasks();
    expect(I6(h).map((v) => v.kind)).toEqual(['idle-while-queued']);
  });
});
