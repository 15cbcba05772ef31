import { asObject } from '../frames.js';
import type { Model } from '../model.js';
import { outageDuring } from '../outages.js';
import { violation, type Violation } from './catalog.js';

/** H2: no answer is a 5xx, and every error answer is a JSON object with an `error` string. */
export function hostileErrorBodies(model: Model): Violation[] {
  const out: Violation[] = [];
  for (const event of model.http) {
    const { status, method, path, response, sentAt } = event.payload;
    // HEAD answers carry no body by definition.
    if (status === null || status < 400 || method === 'HEAD') continue;
    if (outageDuring(model.outages, sentAt, event.t) !== undefined) continue;
    if (status >= 500) {
      out.push(violation('H2', 'server-error', `${method} ${path} answered ${status}: bad input must get a 4xx, never a server error`, [event.seq]));
      continue;
    }
    if (typeof asObject(response)?.error !== 'string') {
      out.push(violation('H2', 'bad-error-body', `${method} ${path} answered ${status} with ${JSON.stringify(response)?.slice(0, 80) ?? 'nothing'}, not a JSON object with an "error"`, [event.seq]));
    }
  }
  return out;
}
