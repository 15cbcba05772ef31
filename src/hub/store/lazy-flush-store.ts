import type { DurableSnapshot, StoreRecord } from '../core/durable.js';
import type { HubClock, TimerHandle } from '../types.js';
import type { HubStore } from './hub-store.js';

export const LAZY_FLUSH_MS = 100;

/**
 * The `ack-before-persist` fault: appends report durable at once and reach
 * the real store only at the next flush, so a crash in between loses
 * changes the hub has already acknowledged.
 */
export class LazyFlushStore implements HubStore {
  private buffer: StoreRecord[] = [];
  private timer: TimerHandle | undefined;

  constructor(
    private readonly inner: HubStore,
    private readonly clock: HubClock,
  ) {}

  load(): Promise<DurableSnapshot> {
    return this.inner.load();
  }

  async append(records: readonly StoreRecord[]): Promise<void> {
    this.buffer.push(...structuredClone(records));
    this.timer ??= this.clock.setTimeout(() => {
      this.timer = undefined;
      void this.flush().catch(() => undefined);
    }, LAZY_FLUSH_MS);
  }

  private flush(): Promise<void> {
    const records = this.buffer;
    this.buffer = [];
    return records.length === 0 ? Promise.resolve() : this.inner.append(records);
  }

  private cancelTimer(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  async sync(): Promise<void> {
    this.cancelTimer();
    await this.flush();
    await this.inner.sync();
  }

  async close(): Promise<void> {
    await this.sync();
    await this.inner.close();
  }

  async abandon(): Promise<void> {
    this.cancelTimer();
    this.buffer = [];
    await this.inner.abandon();
  }
}
