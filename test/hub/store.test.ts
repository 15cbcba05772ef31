import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StoreRecord } from '../../src/hub/core/durable.js';
import type { Task } from '../../src/hub/core/task.js';
import { FileStore } from '../../src/hub/store/file-store.js';
import { LazyFlushStore, LAZY_FLUSH_MS } from '../../src/hub/store/lazy-flush-store.js';
import { decodeLog, encodeRecord, LOG_FILE_NAME } from '../../src/hub/store/log-format.js';
import { MemoryStore } from '../../src/hub/store/memory-store.js';
import { realClock } from '../../src/hub/net/real-clock.js';

function task(id: string, fields: Partial<Task> = {}): Task {
  return {
    id,
    description: 'd',
    metadata: {},
    priority: 2,
    status: 'queued',
    assigned_to: null,
    assigned_at: null,
    generation: 0,
    retry_count: 0,
    max_retries: 3,
    needed_capabilities: [],
    last_error: null,
    complete_by: null,
    result: null,
    tokens_used: null,
    submitted_by: 'admin',
    created_at: 1,
    updated_at: 1,
    history: [],
    seq: 0,
    ...fields,
  };
}

const RECORDS: StoreRecord[] = [
  { kind: 'admin_token', token: 'a'.repeat(64) },
  { kind: 'token', token: 'a'.repeat(64), agent_id: 'admin' },
  { kind: 'token', token: 'b'.repeat(64), agent_id: 'x' },
  { kind: 'task', task: task('task-1') },
  { kind: 'task', task: task('task-1', { status: 'dead_letter', generation: 4, retry_count: 3 }) },
  { kind: 'revoke', agent_id: 'x' },
];

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'store-test-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function reload(): Promise<Awaited<ReturnType<FileStore['load']>>> {
  const store = new FileStore(dir);
  const snapshot = await store.load();
  await store.close();
  return snapshot;
}

describe('log format', () => {
  it('round-trips records and stops at a torn or corrupt line', () => {
    const text = RECORDS.map(encodeRecord).join('');
    expect(decodeLog(Buffer.from(text))).toEqual({ records: RECORDS, torn: false });
    const torn = text + encodeRecord(RECORDS[3]!).slice(0, 30);
    expect(decodeLog(Buffer.from(torn))).toEqual({ records: RECORDS, torn: true });
    const flipped = text.replace('"status":"dead_letter"', '"status":"dead_lettex"');
    expect(decodeLog(Buffer.from(flipped)).records).toEqual(RECORDS.slice(0, 4));
  });
});

describe('FileStore', () => {
  it('folds the log into the durable state: last task record wins, revoke drops tokens', async () => {
    const store = new FileStore(dir);
    expect(await store.load()).toEqual({ tasks: [], tokens: [], adminToken: null });
    await store.append(RECORDS.slice(0, 3));
    await Promise.all([store.append(RECORDS.slice(3, 4)), store.append(RECORDS.slice(4))]);
    await store.close();
    expect(await reload()).toEqual({
      tasks: [task('task-1', { status: 'dead_letter', generation: 4, retry_count: 3 })],
      tokens: [['a'.repeat(64), 'admin']],
      adminToken: 'a'.repeat(64),
    });
  });

  it('skips a torn last record on load, then compacts it away so later appends are kept', async () => {
    const path = join(dir, LOG_FILE_NAME);
    await writeFile(path, RECORDS.slice(0, 4).map(encodeRecord).join(''));
    await appendFile(path, encodeRecord(RECORDS[4]!).slice(0, 40));
    const store = new FileStore(dir);
    const snapshot = await store.load();
    expect(snapshot.tasks).toEqual([task('task-1')]);
    await store.append([{ kind: 'token', token: 'c'.repeat(64), agent_id: 'y' }]);
    await store.close();
    const again = await reload();
    expect(again.tokens.map(([, agent]) => agent)).toEqual(['admin', 'x', 'y']);
    expect(decodeLog(await readFile(path)).torn).toBe(false);
  });

  it('abandon drops appends not yet written and they never resolve', async () => {
    const store = new FileStore(dir);
    await store.load();
    await store.append([RECORDS[0]!]);
    let settled = false;
    const inFlight = store.append([RECORDS[3]!]);
    const queued = store.append([RECORDS[2]!]);
    void queued.then(() => (settled = true), () => (settled = true));
    await store.abandon();
    await inFlight;
    expect(settled).toBe(false);
    expect((await reload()).tokens).toEqual([]);
  });
});

describe('MemoryStore', () => {
  it('keeps a copy of what was appended', async () => {
    const store = new MemoryStore();
    const record: StoreRecord = { kind: 'task', task: task('task-1') };
    await store.append([record]);
    record.task.status = 'completed';
    expect((await store.load()).tasks[0]?.status).toBe('queued');
  });
});

describe('LazyFlushStore (ack-before-persist)', () => {
  it('acknowledges at once, writes later, and loses the buffer on a crash', async () => {
    const lazy = new LazyFlushStore(new FileStore(dir), realClock);
    await lazy.load();
    await lazy.append([RECORDS[0]!]);
    await new Promise((resolve) => setTimeout(resolve, LAZY_FLUSH_MS + 100));
    await lazy.append([RECORDS[2]!]);
    await lazy.abandon();
    const snapshot = await reload();
    expect(snapshot.adminToken).toBe('a'.repeat(64));
    expect(snapshot.tokens).toEqual([]);
  });
});
