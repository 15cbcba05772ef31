// The test suite's --restart-cmd brings back a standalone hub that exited on its own (progress-crashes-hub
// exits 1): on the same port, with the same data dir and token file, and with the fault still on.
import { exec } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { request } from 'undici';
import WebSocket from 'ws';
import { afterAll, describe, expect, it } from 'vitest';
import { RESTART_KIND_ENV } from '../../src/targets/remote.js';
import { finished, scratchDir, startHub, stopAll, writeRestartScript, type Hub } from '../remote/support/processes.js';
import { ofType, RawSocket, withDeadline } from './support.js';

const START_MS = 20_000;
const STEP_MS = 5_000;

async function call(url: string, method: 'GET' | 'POST', path: string, token: string, body?: object): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await request(url + path, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    headersTimeout: STEP_MS,
    bodyTimeout: STEP_MS,
  });
  return { status: res.statusCode, body: (await res.body.json()) as Record<string, unknown> };
}

async function answers(url: string): Promise<boolean> {
  try {
    const res = await request(`${url}/health`, { headersTimeout: 1_000, bodyTimeout: 1_000 });
    await res.body.dump();
    return res.statusCode === 200;
  } catch {
    return false;
  }
}

/** Identifies as `agent` and reports progress on `taskId`: a hub with the fault dies of it. */
async function reportProgress(hub: Hub, agentToken: string, taskId: string): Promise<void> {
  const sock = new RawSocket(new WebSocket(`${hub.url.replace('http', 'ws')}/ws`));
  try {
    await withDeadline(new Promise((resolve) => sock.ws.once('open', resolve)), STEP_MS, 'no WebSocket');
    sock.send({ type: 'identify', agent_id: 'agent', token: agentToken });
    await sock.next(ofType('identified'), STEP_MS);
    sock.send({ type: 'task_progress', task_id: taskId, progress: 50 });
    expect((await sock.waitClosed(STEP_MS)).code).toBe(1006);
  } finally {
    sock.ws.terminate();
  }
}

describe('the restart command, after the hub exited on its own', () => {
  const scratch = scratchDir();
  const hubs: Hub[] = [];
  afterAll(() => stopAll(scratch, hubs));

  it.each(['crash', 'clean'])('(restart kind %s) brings it back on its port, data dir and token file, the fault still on', async (kind) => {
    const hub = await startHub(scratch, `exited-${kind}`, ['--fault', 'progress-crashes-hub']);
    hubs.push(hub);
    const tokenFile = join(hub.dataDir, 'admin-token');
    const minted = await call(hub.url, 'POST', '/admin/tokens', hub.token, { agent_id: 'agent' });
    const agentToken = String(minted.body.token);
    const submitted = await call(hub.url, 'POST', '/api/tasks', hub.token, { description: 'outlive the crash' });
    expect(submitted.status).toBe(201);
    const taskId = String(submitted.body.task_id);

    await reportProgress(hub, agentToken, taskId);
    const exit = await finished(hub.child, STEP_MS);
    expect(exit.code, exit.stderr).toBe(1);
    expect(exit.stderr).toContain('crashed');
    expect(await answers(hub.url)).toBe(false);

    await promisify(exec)(writeRestartScript(scratch, hub), { env: { ...process.env, [RESTART_KIND_ENV]: kind }, timeout: STEP_MS });
    await expect.poll(() => answers(hub.url), { timeout: START_MS, interval: 100 }).toBe(true);
    expect(readFileSync(tokenFile, 'utf8').trim() === hub.token, 'the token file holds the same admin token').toBe(true);
    const task = await call(hub.url, 'GET', `/api/tasks/${taskId}`, hub.token);
    expect(task.body.description).toBe('outlive the crash');

    await reportProgress(hub, agentToken, taskId);
    const restartedLog = join(scratch, `restarted-${hub.port}.log`);
    await expect.poll(() => readFileSync(restartedLog, 'utf8'), { timeout: STEP_MS, interval: 100 }).toContain('crashed');
    expect(await answers(hub.url)).toBe(false);
  }, 2 * START_MS + 4 * STEP_MS);
});
