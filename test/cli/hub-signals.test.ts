// The standalone hub stops cleanly on a signal, whether it reaches only its pid (bin/agentcom-hub, as a
// supervisor or container runtime sends it) or the whole process group of `npm run hub`; its port is closed after.
import { createConnection } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { finished, groupGone, printed, scratchDir, spawnBin, spawnNpm, stopAll } from '../remote/support/processes.js';

const START_MS = 20_000;
const STOP_MS = 10_000;

function portOf(output: string): number {
  return Number(/http:\/\/127\.0\.0\.1:(\d+)/.exec(output)?.[1]);
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

describe('the standalone hub and signals', () => {
  const scratch = scratchDir();
  afterAll(() => stopAll(scratch, []));

  it('SIGTERM to the pid of bin/agentcom-hub: a clean stop (exit 0), port closed', async () => {
    const hub = spawnBin('agentcom-hub', ['--port', '0'], { cwd: scratch });
    await printed(hub, /written to/, START_MS);
    hub.proc.kill('SIGTERM');
    const exit = await finished(hub, STOP_MS);
    expect(exit.code, exit.stderr).toBe(0);
    expect(await refused(portOf(exit.stdout))).toBe(true);
  }, START_MS + STOP_MS);

  it('SIGHUP to the process group of npm run hub: every process gone, port closed', async () => {
    const npm = spawnNpm('hub', ['--port', '0'], { cwd: scratch });
    await printed(npm, /written to/, START_MS);
    const pid = npm.proc.pid ?? -1;
    process.kill(-pid, 'SIGHUP');
    await expect.poll(() => groupGone(pid), { timeout: STOP_MS, interval: 100 }).toBe(true);
    expect(await refused(portOf(npm.stdout))).toBe(true);
  }, START_MS + STOP_MS);
});
