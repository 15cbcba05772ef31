import { describe, expect, it } from 'vitest';
import { HistoryBuilder } from './support/history-builder.js';
import { violationsOf } from './support/check.js';

describe('I4 capabilities', () => {
  it('holds when the agent has every capability, {name} objects included', () => {
    const h = new HistoryBuilder();
    const a1 = h.connect('a1', ['python', { name: 'gpu' }]);
    const task = h.at(10).submit({ needs: ['gpu', 'python'] });
    h.at(11).assign(a1, task);
    expect(violationsOf(h.build(), 'I4')).toEqual([]);
  });

  it('flags a push to an agent lacking a capability', () => {
    const h = new HistoryBuilder();
    const a1 = h.connect('a1', ['python']);
    const task = h.at(10).submit({ needs: ['gpu'] });
    h.at(11).assign(a1, task);
    const [v] = violationsOf(h.build(), 'I4');
    expect(v?.message).toBe(`task ${task} needing [gpu] was pushed to a1, which identified with [python]`);
    expect(v?.evidence).toEqual([3, 5, 6]);
  });
});
