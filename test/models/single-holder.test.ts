import { describe, expect, it } from 'vitest';
import { HistoryBuilder } from './support/history-builder.js';
import { violationsOf } from './support/check.js';
import { cleanRun } from './support/scenarios.js';

const I2 = (h: HistoryBuilder) => violationsOf(h.build(), 'I2');

describe('I2 single holder', () => {
  it('holds when a reclaimed task is pushed again at a higher generation', () => {
    const h = new HistoryBuilder();
    const a1 = h.connect('a1');
    const a2 = h.connect('a2');
    const task = h.at(10).submit();
    h.at(11).assign(a1, task);
    h.at(50).reclaim(task).assign(a2, task);
    expect(I2(h)).toEqual([]);
    expect(I2(cleanRun().h)).toEqual([]);
  });

  it('holds when pushes on two sockets are read out of order', () => {
    const h = new HistoryBuilder();
    const a1 = h.connect('a1');
    const a2 = h.connect('a2');
    const task = h.at(10).submit();
    h.at(12).recv(a2, { type: 'task_assign', task_id: task, generation: 3, assigned_at: 1_700_000_000_011 });
    h.recv(a1, { type: 'task_assign', task_id: task, generation: 1, assigned_at: 1_700_000_000_010 });
    expect(I2(h)).toEqual([]);
  });

  it('flags one generation pushed to two agents', () => {
    const h = new HistoryBuilder();
    const a1 = h.connect('a1');
    const a2 = h.connect('a2');
    const task = h.at(10).submit();
    const first = h.at(11).recv(a1, { type: 'task_assign', task_id: task, generation: 1, assigned_at: 1 });
    const second = h.at(12).recv(a2, { type: 'task_assign', task_id: task, generation: 1, assigned_at: 2 });
    expect(I2(h)).toEqual([
      { invariant: 'I2', kind: 'two-holders', name: 'single-holder', message: `task ${task} generation 1 was pushed to a1 and a2`, evidence: [first, second] },
    ]);
  });

  it('flags a generation going back on one socket', () => {
    const h = new HistoryBuilder();
    const a1 = h.connect('a1');
    const task = h.at(10).submit();
    h.at(11).assign(a1, task, 3);
    h.at(12).assign(a1, task, 1);
    expect(I2(h).map((v) => v.message)).toEqual([
      `task ${task}: generation 1 (to a1) was pushed after generation 3 (to a1) on connection ${a1}`,
    ]);
  });

  it('flags an assignment with an even generation (a reclaim that kept its generation)', () => {
    const h = new HistoryBuilder();
    const a1 = h.connect('a1');
    const task = h.at(10).submit();
    h.at(11).assign(a1, task, 1);
    const push = h.at(50).recv(a1, { type: 'task_assign', task_id: task, generation: 2, assigned_at: 1_700_000_000_050 });
    expect(I2(h)).toEqual([
      {
        invariant: 'I2',
        kind: 'even-generation-pushed',
        name: 'single-holder',
        message: `task ${task} was pushed to a1 with generation 2; an assignment's generation is odd (submit 0, and every step in or out of assigned adds 1)`,
        evidence: [push],
      },
    ]);
  });

  it('flags a queued task seen at an odd generation (a retry from dead letter that kept its generation)', () => {
    const h = new HistoryBuilder();
    const task = h.at(10).submit();
    const view = h.at(20).getTask(task, h.view(task, { status: 'queued', generation: 1 }));
    expect(I2(h).map((v) => [v.message, v.evidence])).toEqual([
      [`task ${task} was seen queued at generation 1; only a queued task has an even generation`, [view]],
    ]);
  });

  it('flags a task pushed to an agent that still holds another', () => {
    const h = new HistoryBuilder();
    const a1 = h.at(0).connect('a1');
    const first = h.at(10).submit();
    const second = h.submit();
    h.assign(a1, first);
    h.accept(a1, first);
    h.at(100).assign(a1, second);
    const pushes = h.events.filter((e) => e.kind === 'ws_recv' && (e.payload.frame as { type?: string }).type === 'task_assign').map((e) => e.seq);
    expect(I2(h).map((v) => [v.kind, v.evidence])).toEqual([['second-task', pushes]]);
  });

  it('holds when the earlier task ended first: completed, or reclaimed by the acceptance timer', () => {
    const h = new HistoryBuilder();
    const a1 = h.at(0).connect('a1');
    const [first, second, third] = [h.at(10).submit(), h.submit(), h.submit()];
    h.assign(a1, first);
    h.accept(a1, first);
    h.at(50).complete(a1, first);
    h.at(60).assign(a1, second);
    h.at(1_100).reclaim(second).assign(a1, third);
    expect(I2(h)).toEqual([]);
  });
});
