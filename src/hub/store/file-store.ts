import { mkdir, open, readFile, rename, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { foldRecords, snapshotRecords, type DurableSnapshot, type StoreRecord } from '../core/durable.js';
import type { HubStore } from './hub-store.js';
import { decodeLog, encodeRecord, LOG_FILE_NAME } from './log-format.js';

interface PendingWrite {
  data: string;
  resolve: () => void;
  reject: (error: unknown) => void;
}

async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function readIfExists(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * An append-only log file (format in log-format.ts), compacted on load.
 * Appends that arrive while a write is in flight go out together in the next
 * write (group commit), each write followed by fdatasync.
 */
export class FileStore implements HubStore {
  private readonly path: string;
  private handle: FileHandle | undefined;
  private queue: PendingWrite[] = [];
  private flushing: Promise<void> | undefined;
  private closed = false;

  constructor(private readonly dir: string) {
    this.path = join(dir, LOG_FILE_NAME);
  }

  async load(): Promise<DurableSnapshot> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const existing = await readIfExists(this.path);
    const snapshot = foldRecords(existing === undefined ? [] : decodeLog(existing).records);
    if (existing !== undefined) await this.compact(snapshot);
    this.handle = await open(this.path, 'a', 0o600);
    if (existing === undefined) await syncDirectory(this.dir);
    return snapshot;
  }

  /** Rewrites the log as the snapshot's records, replacing the old file atomically. */
  private async compact(snapshot: DurableSnapshot): Promise<void> {
    const temp = `${this.path}.compact`;
    const handle = await open(temp, 'w', 0o600);
    try {
      await handle.writeFile(snapshotRecords(snapshot).map(encodeRecord).join(''));
      await handle.datasync();
    } finally {
      await handle.close();
    }
    await rename(temp, this.path);
    await syncDirectory(this.dir);
  }

  append(records: readonly StoreRecord[]): Promise<void> {
    if (this.closed || this.handle === undefined) return Promise.reject(new Error('store is not open'));
    const data = records.map(encodeRecord).join('');
    return new Promise((resolve, reject) => {
      this.queue.push({ data, resolve, reject });
      this.flushing ??= this.drain();
    });
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0 && this.handle !== undefined) {
        const batch = this.queue;
        this.queue = [];
        try {
          await this.handle.writeFile(batch.map((write) => write.data).join(''));
          await this.handle.datasync();
          for (const write of batch) write.resolve();
        } catch (error) {
          for (const write of batch) write.reject(error);
        }
      }
    } finally {
      this.flushing = undefined;
    }
  }

  async sync(): Promise<void> {
    await this.flushing;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.flushing;
    await this.release();
  }

  async abandon(): Promise<void> {
    this.closed = true;
    this.queue = [];
    await this.flushing;
    await this.release();
  }

  private async release(): Promise<void> {
    const handle = this.handle;
    this.handle = undefined;
    await handle?.close();
  }
}
