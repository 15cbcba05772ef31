import type { PropertyFamily } from './family.js';

/** Everything at once: every action kind, every invariant. The default family. */
export const lifecycle: PropertyFamily = {
  name: 'lifecycle',
  description: 'every action kind against every invariant',
  invariants: ['I1', 'I2', 'I3', 'I4', 'I5', 'I6', 'I7', 'I8', 'I9', 'I10'],
  weights: {
    connect: 8,
    submit: 10,
    'identify-bad-token': 1,
    'set-behaviour': 2,
    'accept-late': 1,
    progress: 1,
    kill: 3,
    close: 1,
    reconnect: 2,
    recover: 1,
    'stale-generation': 3,
    'foreign-task': 3,
    'retry-dead-letter': 3,
    observe: 2,
    wait: 4,
    'restart-hub': 1,
  },
};
