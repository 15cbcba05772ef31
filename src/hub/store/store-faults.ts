import type { FaultSet } from '../faults/catalogue.js';
import type { HubClock } from '../types.js';
import type { HubStore } from './hub-store.js';
import { LazyFlushStore } from './lazy-flush-store.js';

/** The store as the catalogue's storage faults bend it. */
export function applyStoreFaults(store: HubStore, faults: FaultSet, clock: HubClock): HubStore {
  return faults.has('ack-before-persist') ? new LazyFlushStore(store, clock) : store;
}
