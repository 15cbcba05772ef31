import type { PropertyFamily } from './family.js';

/** Generation fencing: stale, future, missing and foreign generations racing reclaims. */
export const fencing: PropertyFamily = {
  name: 'fencing',
  description: 'stale, missing and foreign generations racing reclaims and reassignments',
  invariants: ['I1', 'I2', 'I3', 'I10'],
  weights: {
    connect: 8,
    submit: 8,
    'set-behaviour': 3,
    kill: 2,
    reconnect: 2,
    'stale-generation': 6,
    'foreign-task': 6,
    'accept-late': 2,
    recover: 2,
    wait: 4,
  },
};
