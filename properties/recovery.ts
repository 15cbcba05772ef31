import type { PropertyFamily } from './family.js';

/** Reclaim and durability: agents dying, stalling, reconnecting; the hub restarting. */
export const recovery: PropertyFamily = {
  name: 'recovery',
  description: 'kills, stalls, reconnects, session replacement, overdue tasks and hub restarts',
  invariants: ['I1', 'I2', 'I6', 'I7', 'I8', 'I9', 'I10'],
  weights: {
    connect: 8,
    submit: 8,
    'set-behaviour': 3,
    kill: 5,
    close: 2,
    reconnect: 4,
    recover: 2,
    'accept-late': 2,
    progress: 1,
    'retry-dead-letter': 2,
    observe: 3,
    wait: 5,
    'restart-hub': 3,
  },
};
