import type { PropertyFamily } from './family.js';

/**
 * Malformed, mistyped and oversized requests and frames, landing while real
 * tasks are queued and held: the lifecycle actions run alongside, so a bad
 * value that loses or changes a task shows in I1, I3 and I9.
 */
export const hostileInput: PropertyFamily = {
  name: 'hostile-input',
  description: 'every route and message with wrong types, bad JSON, odd sizes and missing or extra fields, among real tasks',
  invariants: ['I1', 'I2', 'I3', 'I8', 'I9', 'I10', 'H1', 'H2', 'H3', 'H4', 'H5'],
  weights: {
    connect: 6,
    submit: 5,
    'set-behaviour': 2,
    kill: 1,
    reconnect: 1,
    observe: 1,
    wait: 2,
    'restart-hub': 1,
    'hostile-http': 10,
    'hostile-ws': 10,
  },
};
