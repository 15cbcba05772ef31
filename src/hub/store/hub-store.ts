import type { DurableSnapshot, StoreRecord } from '../core/durable.js';

/**
 * Where the hub's durable state lives. `append` resolves once the records
 * would survive a crash; records may be changed by the caller afterwards, so
 * a store copies or encodes what it keeps before returning.
 */
export interface HubStore {
  /** The state as of the last durable append. Called once, before any append. */
  load(): Promise<DurableSnapshot>;
  append(records: readonly StoreRecord[]): Promise<void>;
  /** Resolves once everything appended so far is durable, whatever the store's write policy. */
  sync(): Promise<void>;
  /** Finish pending appends, then release the store. */
  close(): Promise<void>;
  /** Crash: drop what is not yet durable, then release the store. Dropped appends never resolve. */
  abandon(): Promise<void>;
}
