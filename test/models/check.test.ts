import { describe, expect, it } from 'vitest';
import { checkHistory, INVARIANTS } from '../../models/check.js';
import { cleanRun } from './support/scenarios.js';

describe('checkHistory', () => {
  it('finds nothing wrong with a correct run', () => {
    const result = checkHistory(cleanRun().h.build());
    expect(result.violations).toEqual([]);
    expect(result.checked).toEqual(['I1', 'I2', 'I3', 'I4', 'I5', 'I6', 'I7', 'I8', 'I9', 'I10', 'H1', 'H2', 'H3', 'H4', 'H5']);
  });

  it('runs only the invariants asked for, by id or name', () => {
    expect(checkHistory(cleanRun().h.build(), { invariants: ['I3', 'durability'] }).checked).toEqual(['I3', 'I9']);
  });

  it('refuses an unknown invariant', () => {
    expect(() => checkHistory(cleanRun().h.build(), { invariants: ['I11'] })).toThrow(/unknown invariant/);
  });

  it('lists the ten lifecycle and five hostile-input invariants with names and descriptions', () => {
    expect(INVARIANTS.map((i) => i.id)).toHaveLength(15);
    for (const invariant of INVARIANTS) {
      expect(invariant.name).toMatch(/^[a-z-]+$/);
      expect(invariant.description.length).toBeGreaterThan(20);
    }
  });

  it('needs a run_start event', () => {
    expect(() => checkHistory([])).toThrow(/run_start/);
  });
});
