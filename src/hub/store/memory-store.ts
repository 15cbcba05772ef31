import { emptySnapshot, foldRecords, type DurableSnapshot, type StoreRecord } from '../core/durable.js';
import type { HubStore } from './hub-store.js';

/** Keeps the durable state in memory (for simulation): every append is durable at once. */
export class MemoryStore implements HubStore {
  private snapshot: DurableSnapshot = emptySnapshot();

  async load(): Promise<DurableSnapshot> {
    return structuredClone(this.snapshot);
  }

  async append(records: readonly StoreRecord[]): Promise<void> {
    this.snapshot = foldRecords(structuredClone(records), this.snapshot);
  }

  async sync(): Promise<void> {}

  async close(): Promise<void> {}

  async abandon(): Promise<void> {}
}
