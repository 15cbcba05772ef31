import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHubClient, type HubClient } from '../../src/http/client.js';
import { assertAllCompleted, assertTaskCompleted } from '../../src/testing/task-assertions.js';
import { waitFor } from '../../src/testing/wait-for.js';

/** Task id -> the statuses the stub answers in turn (the last one repeats). */
const script = new Map<string, string[]>();
let server: Server;
let client: HubClient;

beforeAll(async () => {
  server = createServer((req, res) => {
    const id = decodeURIComponent((req.url ?? '').split('/').at(-1) ?? '');
    const statuses = script.get(id);
    if (statuses === undefined) {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'task_not_found', task_id: id }));
      return;
    }
    const status = statuses.length > 1 ? statuses.shift() : statuses[0];
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ id, status, assigned_to: status === 'queued' ? null : 'agent-1', generation: 1 }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  client = createHubClient({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, token: 'x' });
});

afterAll(async () => {
  await client.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('assertAllCompleted', () => {
  it('waits until every task is completed and returns the views in order', async () => {
    script.set('task-a', ['queued', 'assigned', 'completed']);
    script.set('task-b', ['completed']);
    const views = await assertAllCompleted(client, ['task-a', 'task-b'], { timeoutMs: 2_000, intervalMs: 10 });
    expect(views.map((view) => [view.id, view.status])).toEqual([
      ['task-a', 'completed'],
      ['task-b', 'completed'],
    ]);
  });

  it('lists the tasks not completed, with their status, when time runs out', async () => {
    script.set('task-c', ['completed']);
    script.set('task-d', ['assigned']);
    script.set('task-e', ['queued']);
    await expect(assertAllCompleted(client, ['task-c', 'task-d', 'task-e', 'task-f'], { timeoutMs: 150, intervalMs: 20 })).rejects.toThrow(
      /^3 of 4 tasks not completed within 150 ms: task-d \(assigned to agent-1, generation 1\), task-e \(queued, generation 1\), task-f \(unreadable: HubHttpError: GET \/api\/tasks\/task-f answered 404/,
    );
  });

  it('assertTaskCompleted returns the one view', async () => {
    script.set('task-g', ['completed']);
    expect(await assertTaskCompleted(client, 'task-g', { timeoutMs: 1_000 })).toMatchObject({ id: 'task-g', status: 'completed' });
  });
});

describe('waitFor', () => {
  it('says what it waited for and the last value seen', async () => {
    let n = 0;
    await expect(waitFor(() => ++n, { timeoutMs: 60, intervalMs: 10, what: 'n to reach 1000', until: (v) => v >= 1000 })).rejects.toThrow(
      /^timed out after 60 ms waiting for n to reach 1000; last value seen: \d+$/,
    );
  });

  it('shows the last error of a probe that keeps failing, and cuts off a probe that hangs', async () => {
    await expect(
      waitFor(
        () => {
          throw new Error('not yet');
        },
        { timeoutMs: 40, what: 'a probe to stop failing' },
      ),
    ).rejects.toThrow('waiting for a probe to stop failing; probe failed: not yet');
    const started = Date.now();
    await expect(waitFor(() => new Promise<never>(() => undefined), { timeoutMs: 50, what: 'a hanging probe' })).rejects.toThrow(
      'timed out after 50 ms waiting for a hanging probe',
    );
    expect(Date.now() - started).toBeLessThan(500);
  });
});
