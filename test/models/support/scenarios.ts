import { HistoryBuilder } from './history-builder.js';

/**
 * A correct run: one task completed, one dead-lettered after its single
 * allowed failure, then quiesce and snapshot.
 */
export function cleanRun(): { h: HistoryBuilder; done: string; dead: string } {
  const h = new HistoryBuilder();
  const a1 = h.at(0).connect('a1', ['python']);
  const a2 = h.at(1).connect('a2', [{ name: 'gpu' }]);
  const done = h.at(10).submit({ needs: ['python'] });
  h.at(12).assign(a1, done);
  h.at(13).accept(a1, done);
  h.at(20).complete(a1, done, { result: { ok: true }, tokensUsed: 5 });
  const dead = h.at(30).submit({ needs: ['gpu'], maxRetries: 1 });
  h.at(31).assign(a2, dead);
  h.at(40).fail(a2, dead);
  h.at(50).phase('quiesce');
  h.listTasks();
  h.listDeadLetter();
  h.at(60).snapshot();
  h.at(70).phase('teardown');
  h.close(a1, 'client_close', 1000).close(a2, 'client_close', 1000);
  return { h, done, dead };
}
