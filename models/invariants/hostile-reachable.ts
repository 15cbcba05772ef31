import type { ProbeEvent } from '../history.js';
import type { Model } from '../model.js';
import { outageDuring } from '../outages.js';
import { at, violation, type Violation } from './catalog.js';

/** H1: after every hostile step the hub still answers /health and lets a fresh socket identify. */
export function hostileReachable(model: Model): Violation[] {
  const out: Violation[] = [];
  for (const event of model.events) {
    if (event.kind !== 'probe') continue;
    const probe = event as ProbeEvent;
    const { health, identified, identify } = probe.payload;
    if (health === 200 && identified) continue;
    const step = model.events.filter((e) => e.kind === 'action' && e.seq < probe.seq).pop();
    if (outageDuring(model.outages, step?.t ?? probe.t, probe.t) !== undefined) continue;
    const broken = [health === 200 ? undefined : `/health answered ${health ?? 'nothing'}`, identified ? undefined : `a fresh identify got ${identify}`]
      .filter((part) => part !== undefined)
      .join(' and ');
    const after = step?.kind === 'action' ? `after "${step.payload.text}"` : 'after a hostile step';
    out.push(violation('H1', 'unreachable', `${after}: ${broken} (${at(probe.t)})`, [...(step ? [step.seq] : []), probe.seq]));
  }
  return out;
}
