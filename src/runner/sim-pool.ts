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

export interface SimJob {
  index: number;
}

export type SimVerdict =
  | { index: number; failed: boolean; actions: number; actionsPlayed: number; error?: undefined }
  | { index: number; error: string };

/**
 * Simulated runs are all CPU on one thread, so --jobs N plays them on the
 * main thread and N - 1 worker threads, one run at a time each. Only
 * verdicts come back; the main thread replays a failing run (deterministic,
 * cheap) to shrink it.
 */
export class SimPool {
  private readonly idle: Worker[] = [];
  private readonly waiting: Array<(worker: Worker) => void> = [];
  private readonly workers: Worker[];

  constructor(spec: SimSpec, size: number) {
    // tsx's compile cache would be a directory left in TMPDIR after every run; a worker compiles its few modules itself.
    const env = { ...process.env, TSX_DISABLE_CACHE: '1' };
    this.workers = Array.from({ length: size }, () => new Worker(new URL('./sim-worker-entry.mjs', import.meta.url), { workerData: spec, env }));
    this.idle.push(...this.workers);
  }

  async play(index: number): Promise<SimVerdict> {
    const worker = this.idle.pop() ?? (await new Promise<Worker>((resolve) => this.waiting.push(resolve)));
    try {
      return await new Promise<SimVerdict>((resolve, reject) => {
        const onError = (error: Error): void => {
          worker.off('message', onMessage);
          reject(error);
        };
        const onMessage = (verdict: SimVerdict): void => {
          worker.off('error', onError);
          resolve(verdict);
        };
        worker.once('message', onMessage);
        worker.once('error', onError);
        worker.postMessage({ index } satisfies SimJob);
      });
    } finally {
      const next = this.waiting.shift();
      if (next !== undefined) next(worker);
      else this.idle.push(worker);
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }
}
