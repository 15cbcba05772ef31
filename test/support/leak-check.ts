/**
 * Runs around every test file: after the file, no socket, server, timer, child
 * process or temp dir it made may remain. Temp dirs are caught by pointing
 * TMPDIR at a fresh directory per file, which must be empty at the end.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';

const LEAKABLE = new Set(['TCPSocketWrap', 'TCPServerWrap', 'Timeout', 'ProcessWrap', 'FSEventWrap']);

function countLeakable(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const kind of process.getActiveResourcesInfo()) {
    if (LEAKABLE.has(kind)) counts.set(kind, (counts.get(kind) ?? 0) + 1);
  }
  return counts;
}

function excess(now: Map<string, number>, base: Map<string, number>): string[] {
  const out: string[] = [];
  for (const [kind, n] of now) {
    const extra = n - (base.get(kind) ?? 0);
    if (extra > 0) out.push(`${extra} × ${kind}`);
  }
  return out;
}

let baseline = new Map<string, number>();
let fileTmp = '';
const outerTmp = process.env.TMPDIR;

beforeAll(() => {
  fileTmp = mkdtempSync(join(tmpdir(), 'acf-test-'));
  process.env.TMPDIR = fileTmp;
  baseline = countLeakable();
});

afterAll(async () => {
  let leaks = excess(countLeakable(), baseline);
  // Closing sockets and exiting children finish on the next turns of the loop.
  for (let i = 0; i < 40 && leaks.length > 0; i++) {
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setTimeout(resolve, 25));
    leaks = excess(countLeakable(), baseline);
  }
  const leftDirs = readdirSync(fileTmp);
  if (outerTmp === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = outerTmp;
  rmSync(fileTmp, { recursive: true, force: true });
  expect(leaks, 'sockets, servers, timers or child processes left after this file').toEqual([]);
  expect(leftDirs, 'temp dirs left after this file').toEqual([]);
});
