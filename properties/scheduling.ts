import type { PropertyFamily } from './family.js';

/** Queue order and capability matching: many submissions, agents arriving and leaving. */
export const scheduling: PropertyFamily = {
  name: 'scheduling',
  description: 'priority lanes, FIFO inside a lane, capability matching, idle agents get work',
  invariants: ['I1', 'I4', 'I5', 'I6', 'I10'],
  weights: {
    connect: 6,
    submit: 14,
    'set-behaviour': 3,
    close: 1,
    kill: 1,
    wait: 4,
    observe: 1,
  },
};
