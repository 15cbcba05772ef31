import { emptySnapshot, foldRecords, type DurableSnapshot, type StoreRecord } from '../hub/core/durable.js';
import type { HubStore } from '../hub/store/hub-store.js';
import type { Channel } from './scheduler.js';

/**
 * The simulated hub's disk. What it holds survives crashes; a write becomes
 * durable only when its fsync, a scheduled event, happens, and a crash before
 * that loses it (its append never resolves, so nothing about it was answered).
 */
export class SimDisk {
  private durable: DurableSnapshot = emptySnapshot();

  /** The store of one life of the hub; its fsyncs go through `fsyncs`, in order. */
  open(fsyncs: Channel): HubStore {
    let pending = Promise.resolve();
    const write = (records: readonly StoreRecord[]): Promise<void> => {
      const copy = structuredClone(records);
      pending = new Promise((resolve) =>
        fsyncs.push(`fsync ${copy.length} record(s)`, 0, () => {
          this.durable = foldRecords(copy, this.durable);
          resolve();
        }),
      );
      return pending;
    };
    return {
      load: async () => structuredClone(this.durable),
      append: write,
      sync: () => pending,
      close: () => pending,
      abandon: async () => fsyncs.clear(),
    };
  }
}
