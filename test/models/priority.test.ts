import { describe, expect, it } from 'vitest';
import { HistoryBuilder } from './support/history-builder.js';
import { violationsOf } from './support/check.js';

function jumped(gap: number): { h: HistoryBuilder; urgent: string; low: string } {
  const h = new HistoryBuilder();
  const urgent = h.at(0).submit({ priority: 'urgent' });
  const low = h.at(1).submit({ priority: 'low' });
  const a1 = h.at(100).connect('a1');
  h.assign(a1, low);
  h.at(100 + gap).listTasks();
  return { h, urgent, low };
}

describe('I5 priority', () => {
  it('flags a push that jumps an earlier queued task the agent could take', () => {
    const { h, urgent, low } = jumped(200);
    const [v, ...rest] = violationsOf(h.build(), 'I5');
    expect(rest).toEqual([]);
    expect(v?.message).toContain(`task ${low} (priority 3) was pushed to a1`);
    expect(v?.message).toContain(`task ${urgent} (priority 0`);
  });

  it('holds when the earlier task was seen queued only within the margin', () => {
    expect(violationsOf(jumped(20).h.build(), 'I5')).toEqual([]);
  });

  it('holds when the agent could not take the earlier task', () => {
    const h = new HistoryBuilder();
    h.at(0).submit({ priority: 'urgent', needs: ['gpu'] });
    const low = h.at(1).submit({ priority: 'low' });
    const a1 = h.at(100).connect('a1', ['python']);
    h.assign(a1, low);
    h.at(300).listTasks();
    expect(violationsOf(h.build(), 'I5')).toEqual([]);
  });

  it('holds for FIFO inside a lane when created in the same millisecond', () => {
    const h = new HistoryBuilder();
    h.at(0).submit();
    const second = h.at(0).submit();
    const a1 = h.at(100).connect('a1');
    h.assign(a1, second);
    h.at(300).listTasks();
    expect(violationsOf(h.build(), 'I5')).toEqual([]);
  });
});
