import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it } from 'vitest';
import { formatTrace } from '../../src/reports/schedule-report.js';
import type { SimStep } from '../../src/sim/scheduler.js';

const plain = (lines: string[]): string[] => lines.map(stripVTControlCharacters);

const step = (n: number, action: number, what: string, choice: number | null = null, pick = 0, ready = 1): SimStep => ({
  step: n,
  t: n,
  what,
  ready,
  pick,
  action,
  choice,
  routine: what.startsWith('keepalive'),
});

describe('schedule report', () => {
  it('groups steps under the action they came during and marks each departure with its choice', () => {
    const lines = plain(
      formatTrace(
        [
          step(0, 0, 'agent → hub, conn 1: connect'),
          step(1, 0, 'keepalive conn 1'),
          step(2, 1, 'agent → hub, conn 1: task_complete t1 generation 1', 0, 0, 2),
          step(3, 1, 'agent → hub, conn 1: connection reset', 1, 1, 2),
          step(4, 2, 'http #2: GET /api/tasks → hub'),
        ],
        2,
      ),
    );
    expect(lines[0]).toBe('Schedule (5 steps, 1 out of natural order; keepalives, syncs and sweeps not shown):');
    expect(lines.slice(1)).toEqual([
      '  ── during action 1',
      '     0      0 ms  agent → hub, conn 1: connect',
      '  ── during action 2',
      '     2      2 ms  agent → hub, conn 1: task_complete t1 generation 1',
      '     3      3 ms  agent → hub, conn 1: connection reset » choice 1: took 2 of 2 ready',
      '  ── after the actions: quiesce and snapshot',
      '     4      4 ms  http #2: GET /api/tasks → hub',
    ]);
  });
});
