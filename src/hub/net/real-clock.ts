import type { HubClock } from '../types.js';

export const realClock: HubClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  runNext: (fn) => setImmediate(fn),
};
