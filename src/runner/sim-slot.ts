import { existsSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { TimerSettings } from '../../models/history.js';

/** What a worker needs to play the same runs as the main thread: the config, as data. */
export interface SimSpec {
  family: string;
  seed: number;
  agents: number;
  maxActions: number;
  timeoutPerRunMs: number;
  jobs: number;
  timers: TimerSettings;
  faults: readonly string[];
}

/** Runs first to end - 1, to be played in a row. */
export interface SimJob {
  first: number;
  end: number;
}

/** A run's verdict: the buckets of its violations (none: it passed). */
export type SimVerdict =
  | { index: number; buckets: string[]; actions: number; actionsPlayed: number; error?: undefined }
  | { index: number; error: string };

/**
 * Simulated runs are all CPU on one thread, so --jobs N plays them on the
 * main thread and N - 1 worker threads, one worker per slot. A worker is
 * handed a slot's runs a batch at a time and plays them in a row, so it never
 * waits for the main thread, busy with runs of its own, between two runs.
 * Only verdicts come back; the main thread replays a run that breaks
 * something new (deterministic, cheap) to shrink it.
 */
export class SimSlot {
  private readonly worker: Worker;
  private readonly arrived: SimVerdict[] = [];
  private waiting: { resolve: (verdict: SimVerdict) => void; reject: (error: Error) => void } | undefined;
  private failed: Error | undefined;

  constructor(spec: SimSpec) {
    // Where this process keeps no tsx compile cache (a test run), a worker must not leave one in TMPDIR: it compiles its
    // modules itself. Where one is kept (`npm run fuzz`), reading it starts the worker about half a second sooner.
    const env = tsxCacheKept() ? process.env : { ...process.env, TSX_DISABLE_CACHE: '1' };
    this.worker = new Worker(new URL('./sim-worker-entry.mjs', import.meta.url), { workerData: spec, env });
    this.worker.on('message', (verdict: SimVerdict) => {
      const waiting = this.waiting;
      this.waiting = undefined;
      if (waiting === undefined) this.arrived.push(verdict);
      else waiting.resolve(verdict);
    });
    this.worker.on('error', (error: Error) => {
      this.failed = error;
      this.waiting?.reject(error);
      this.waiting = undefined;
    });
  }

  /** Has the worker play runs first to end - 1; their verdicts come, in that order, from `next`. */
  start(first: number, end: number): void {
    this.worker.postMessage({ first, end } satisfies SimJob);
  }

  next(): Promise<SimVerdict> {
    const verdict = this.arrived.shift();
    if (verdict !== undefined) return Promise.resolve(verdict);
    if (this.failed !== undefined) return Promise.reject(this.failed);
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
    });
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}

/** tsx's compile cache directory (its own naming) exists already. */
function tsxCacheKept(): boolean {
  return existsSync(join(tmpdir(), `tsx-${process.geteuid?.() ?? userInfo().username}`));
}
