// The standalone hub stops cleanly on a signal, whether it reaches only its pid (bin/agentcom-hub, as a
// supervisor, a container runtime or `timeout` sends it) or the whole process group of `npm run hub`: its
// port is closed after, its temp data dir removed, and it exits with the signal's code (128 + its number).
import { execFileSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { dirname } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { finished, groupGone, killChildren, printed, scratchDir, sendSignal, spawnBin, spawnNpm } from '../remote/support/processes.js';

const START_MS = 20_000;
const STOP_MS = 10_000;

function portOf(output: string): number {
  return Number(/http:\/\/127\.0\.0\.1:(\d+)/.exec(output)?.[1]);
}

function dataDirOf(output: string): string {
  return dirname(/written to (\S+)/.exec(output)?.[1] ?? '');
}

function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

/** The command names of a process's children (ps exits 1 when there are none). */
function childCommands(pid: number): string[] {
  try {
    return execFileSync('ps', ['--ppid', String(pid), '-o', 'comm='], { encoding: 'utf8' }).split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

describe('the standalone hub and signals', () => {
  const scratch = scratchDir();
  afterEach(killChildren);
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it.each([
    ['SIGTERM', 143],
    ['SIGINT', 130],
    ['SIGHUP', 129],
  ] as const)('%s to the pid of bin/agentcom-hub: a clean stop, exit %i, port closed, temp data dir removed', async (signal, code) => {
    const hub = spawnBin('agentcom-hub', ['--port', '0'], { cwd: scratch });
    await printed(hub, /written to/, START_MS);
    // One node process: the only helper it starts is esbuild's transform service, which ends with it.
    expect(childCommands(hub.proc.pid ?? -1).filter((command) => command !== 'esbuild')).toEqual([]);
    sendSignal(hub, signal, 'pid');
    const exit = await finished(hub, STOP_MS);
    expect(exit.code, exit.stderr).toBe(code);
    expect(exit.ms).toBeLessThan(STOP_MS);
    expect(await refused(portOf(exit.stdout))).toBe(true);
    expect(existsSync(dataDirOf(exit.stdout))).toBe(false);
  }, START_MS + STOP_MS);

  it.each(['SIGTERM', 'SIGHUP'] as const)('%s to the process group of npm run hub: every process gone, port closed', async (signal) => {
    const npm = spawnNpm('hub', ['--port', '0'], { cwd: scratch });
    await printed(npm, /written to/, START_MS);
    sendSignal(npm, signal, 'group');
    const pid = npm.proc.pid ?? -1;
    await expect.poll(() => groupGone(pid), { timeout: STOP_MS, interval: 100 }).toBe(true);
    expect(await refused(portOf(npm.stdout))).toBe(true);
    expect(existsSync(dataDirOf(npm.stdout))).toBe(false);
  }, START_MS + STOP_MS);
});
