import { describe, expect, it } from 'vitest';
import { HistoryBuilder, ORIGIN } from './support/history-builder.js';
import { violationsOf } from './support/check.js';
import { cleanRun } from './support/scenarios.js';

const I7 = (h: HistoryBuilder) => violationsOf(h.build(), 'I7');

function held(accept: boolean, completeBy: number | null = null): { h: HistoryBuilder; task: string; a1: number } {
  const h = new HistoryBuilder();
  const a1 = h.at(0).connect('a1');
  const task = h.at(10).submit({ completeBy });
  h.assign(a1, task);
  if (accept) h.accept(a1, task);
  return { h, task, a1 };
}

describe('I7 reclaim', () => {
  it('holds for a correct run', () => {
    expect(I7(cleanRun().h)).toEqual([]);
  });

  it('flags an unaccepted assignment kept past the acceptance timeout', () => {
    const { h, task } = held(false);
    h.at(2_000).getTask(task);
    expect(I7(h).map((v) => v.message)).toEqual([
      `task ${task} was still assigned to a1 at generation 1 at t=1999ms, never accepted, 1989 ms after its acceptance timer started (bound 1500 ms)`,
    ]);
  });

  it('does not hold an accepted task to the acceptance timeout', () => {
    const { h, task } = held(true);
    h.at(2_000).getTask(task);
    expect(I7(h)).toEqual([]);
  });

  it('flags a task_accepted acknowledged long after the acceptance timer ran out', () => {
    const { h, task, a1 } = held(false);
    h.at(2_000).accept(a1, task);
    expect(I7(h).map((v) => v.message)).toEqual([
      `a1 was pushed task ${task} at generation 1 at t=10ms and did not accept it; its task_accepted 1990 ms after the acceptance timer started (bound 1500 ms) was still acknowledged, so the assignment was never reclaimed`,
    ]);
  });

  it('holds for a second task_accepted long after a first one, sent the moment the push arrived', () => {
    const h = new HistoryBuilder();
    const a1 = h.at(0).connect('a1');
    const task = h.at(10).submit();
    h.at(11).assign(a1, task);
    h.accept(a1, task);
    h.at(2_000).accept(a1, task);
    expect(I7(h)).toEqual([]);
  });

  it('holds for a task_accepted sent while the push of a new assignment was in flight, then acknowledged', () => {
    const { h, task, a1 } = held(false);
    h.at(1_100).reclaim(task);
    h.send(a1, { type: 'task_accepted', task_id: task });
    h.assign(a1, task);
    h.recv(a1, { type: 'task_ack', task_id: task, status: 'accepted' });
    h.at(3_000).accept(a1, task);
    expect(I7(h)).toEqual([]);
  });

  it('holds for a late task_accepted that the hub refused', () => {
    const { h, task, a1 } = held(false);
    h.at(1_100).reclaim(task);
    h.at(2_000).accept(a1, task);
    expect(I7(h)).toEqual([]);
  });

  it('flags an overdue assignment kept past a sweep', () => {
    const { h, task } = held(true, ORIGIN + 50);
    h.at(1_000).getTask(task);
    expect(I7(h)).toEqual([expect.objectContaining({ invariant: 'I7', message: expect.stringContaining('complete_by') })]);
  });

  it('holds for an overdue assignment seen within a sweep', () => {
    const { h, task } = held(true, ORIGIN + 50);
    h.at(700).getTask(task);
    expect(I7(h)).toEqual([]);
  });

  it('flags an untouched assignment past the stuck threshold and sweep', () => {
    const { h, task } = held(true);
    h.at(7_000).getTask(task);
    expect(I7(h).map((v) => v.message)).toEqual([expect.stringContaining(`task ${task} was still assigned to a1 at generation 1 at t=6999ms, untouched since`)]);
  });

  it('restarts the stuck clock with the hub', () => {
    const { h, task } = held(true);
    h.at(6_400).hub('restart_begin', true);
    h.at(6_500).hub('restart_end');
    h.at(7_000).getTask(task);
    expect(I7(h)).toEqual([]);
  });

  /** a1 accepts generation 1 and fails it; the task comes back to a1 at generation 3 at t=30, accepted again or not. */
  function reassignedAfterFailure(acceptAgain: boolean): { h: HistoryBuilder; push: number } {
    const h = new HistoryBuilder();
    const a1 = h.at(0).connect('a1');
    const task = h.at(10).submit();
    h.assign(a1, task);
    h.accept(a1, task);
    h.at(20).fail(a1, task);
    h.at(30).assign(a1, task);
    const push = h.events.length - 1;
    if (acceptAgain) h.accept(a1, task);
    h.at(2_000).getTask(task);
    return { h, push };
  }

  it('flags a re-assignment never accepted although the agent accepted an earlier generation', () => {
    const { h, push } = reassignedAfterFailure(false);
    expect(I7(h).map((v) => [v.kind, v.evidence])).toEqual([['unaccepted-kept', [push, h.events.length - 1]]]);
  });

  it('holds when the agent accepted the re-assignment', () => {
    expect(I7(reassignedAfterFailure(true).h)).toEqual([]);
  });
});
