import seedrandom from 'seedrandom';
import type { IdSource } from '../hub/core/ids.js';

/** `bytes` bytes as hex, drawn from a generator seeded with `seed`: the same seed, the same sequence. */
export function seededRandomHex(seed: number | null): (bytes: number) => string {
  const next = seedrandom(`agentcom-sim:${seed ?? 0}`);
  return (bytes) => {
    let hex = '';
    for (let i = 0; i < bytes; i++) hex += Math.floor(next() * 256).toString(16).padStart(2, '0');
    return hex;
  };
}

export function seededIds(randomHex: (bytes: number) => string): IdSource {
  return {
    taskId: () => `task-${randomHex(8)}`,
    token: () => randomHex(32),
  };
}
