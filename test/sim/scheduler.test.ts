import { describe, expect, it } from 'vitest';
import { SimScheduler } from '../../src/sim/scheduler.js';
import type { Schedule } from '../../src/sim/schedule.js';

/** Runs every pending event and returns the names in the order they fired. */
function drain(scheduler: SimScheduler): string[] {
  const fired: string[] = [];
  const original = scheduler.trace.length;
  while (scheduler.step()) fired.push(scheduler.trace.at(-1)!.what);
  expect(scheduler.trace.length).toBe(original + fired.length);
  return fired;
}

function twoTimers(scheduler: SimScheduler, routine: boolean): void {
  scheduler.setTimer('a', 0, () => undefined, routine);
  scheduler.setTimer('b', 0, () => undefined, routine);
}

describe('SimScheduler choices', () => {
  it('takes the natural order unless a departure names the choice', () => {
    const natural = new SimScheduler([]);
    twoTimers(natural, false);
    expect(drain(natural)).toEqual(['a', 'b']);

    const departed = new SimScheduler([{ action: 0, choice: 0, pick: 1 }]);
    twoTimers(departed, false);
    expect(drain(departed)).toEqual(['b', 'a']);
    expect(departed.trace[0]).toMatchObject({ action: 0, choice: 0, ready: 2, pick: 1 });
  });

  it('does not count an order among routine housekeeping alone as a choice', () => {
    const schedule: Schedule = [{ action: 0, choice: 0, pick: 1 }];
    const scheduler = new SimScheduler(schedule);
    twoTimers(scheduler, true);
    expect(drain(scheduler)).toEqual(['a', 'b']);
    expect(scheduler.trace.map((step) => step.choice)).toEqual([null, null]);
    // The departure is still there for the first real choice.
    twoTimers(scheduler, false);
    expect(drain(scheduler)).toEqual(['b', 'a']);
  });

  it('counts choices afresh for each action, so a departure stays with its action', () => {
    const scheduler = new SimScheduler([{ action: 1, choice: 0, pick: 1 }]);
    twoTimers(scheduler, false);
    expect(drain(scheduler)).toEqual(['a', 'b']);
    scheduler.beginAction(1);
    twoTimers(scheduler, false);
    expect(drain(scheduler)).toEqual(['b', 'a']);
    expect(scheduler.trace.map((step) => [step.action, step.choice])).toEqual([
      [0, 0],
      [0, null],
      [1, 0],
      [1, null],
    ]);
  });
});
