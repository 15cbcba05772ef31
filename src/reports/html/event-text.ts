import { asObject, stringField } from '../../../models/frames.js';
import type { HistoryEvent, HttpEvent, WsRecvEvent, WsSendEvent } from '../../../models/history.js';
import { responseObject, routeOf } from '../../../models/http-views.js';
import { frameLabel } from '../../sim/frame-label.js';

/** The HTTP lane's key; a connection's lane is `conn-N`. */
export const HTTP_LANE = 'http';

/** Past this, a frame or body in the side panel is cut: a 1 MiB hostile frame would bury the page. */
const MAX_DETAIL_CHARS = 6_000;
const MAX_LABEL_CHARS = 160;

/** The lane an event is drawn in; null for what is drawn across every lane (actions, phases, the hub). */
export function laneOf(event: HistoryEvent): string | null {
  switch (event.kind) {
    case 'ws_open':
    case 'ws_send':
    case 'ws_recv':
    case 'ws_close':
      return `conn-${event.payload.conn}`;
    case 'http':
    case 'probe':
      return HTTP_LANE;
    default:
      return null;
  }
}

/** The task an event is about, if it names exactly one: what it is coloured by. */
export function taskOf(event: HistoryEvent): string | undefined {
  if (event.kind === 'ws_send' || event.kind === 'ws_recv') return stringField(asObject(event.payload.frame), 'task_id');
  if (event.kind !== 'http') return undefined;
  const route = routeOf(event);
  if (route.kind === 'get' || route.kind === 'retry') return route.taskId;
  return stringField(responseObject(event), 'task_id');
}

function frameText(event: WsSendEvent | WsRecvEvent): string {
  if (event.payload.binary === true) return 'binary frame';
  return frameLabel(event.payload.raw ?? JSON.stringify(event.payload.frame));
}

/** Lanes are narrow: a task id keeps the 4 hex digits a reader matches by eye; its colour does the rest. */
function compact(text: string): string {
  return text.replace(/\btask-([0-9a-f]{4})[0-9a-f]{4,}/g, 'task-$1…').replace(/\bgeneration /g, 'g');
}

function httpLabel(event: HttpEvent): string {
  const who = event.actor === 'http' ? '' : `${event.actor}: `;
  const answer = event.payload.status === null ? 'no answer' : String(event.payload.status);
  return `${who}${event.payload.method} ${event.payload.path} → ${answer}`;
}

/** The short label drawn beside an event in its lane or across the lanes, and in the evidence lists. */
export function eventLabel(event: HistoryEvent): string {
  const label = fullLabel(event);
  // A hostile path or error can be 200 000 characters; the side panel has the event in full.
  return label.length > MAX_LABEL_CHARS ? `${label.slice(0, MAX_LABEL_CHARS)}…` : label;
}

function fullLabel(event: HistoryEvent): string {
  switch (event.kind) {
    case 'ws_open':
      return 'open';
    case 'ws_send':
      return compact(`→ ${frameText(event)}`);
    case 'ws_recv':
      return compact(`← ${frameText(event)}`);
    case 'ws_close':
      return `closed ${event.payload.code} (${event.payload.by.replace('_', ' ')})`;
    case 'http':
      return compact(httpLabel(event));
    case 'probe':
      return `probe: health ${event.payload.health ?? 'no answer'}, identify ${event.payload.identified ? 'ok' : event.payload.identify}`;
    case 'action':
      return `${event.payload.index + 1}. ${event.payload.text}`;
    case 'phase':
      return event.payload.name;
    case 'hub':
      return `hub ${event.payload.event.replace('_', ' ')}${event.payload.crash === true ? ' (crash)' : ''}${event.payload.error === undefined ? '' : `: ${event.payload.error}`}`;
    case 'run_start':
      return 'run start';
  }
}

function pretty(value: unknown): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value, null, 2) ?? String(value));
  return text.length > MAX_DETAIL_CHARS ? `${text.slice(0, MAX_DETAIL_CHARS)}… (${text.length - MAX_DETAIL_CHARS} more characters)` : text;
}

function frameBody(event: WsSendEvent | WsRecvEvent): string {
  if (event.payload.binary === true) return '<binary frame>';
  return pretty(event.payload.raw ?? event.payload.frame);
}

/** What the side panel shows for an event: a heading and the frame or exchange in full. */
export interface EventDetail {
  title: string;
  body: string;
}

const WHAT: Record<HistoryEvent['kind'], string> = {
  run_start: 'run start',
  action: 'action',
  phase: 'phase',
  ws_open: 'opened',
  ws_send: 'sent',
  ws_recv: 'received',
  ws_close: 'closed',
  http: 'exchange answered',
  hub: 'hub',
  probe: 'probe',
};

/**
 * An event in full. `partner` is the other half of a WebSocket exchange: the
 * reply to a sent frame, or the frame a reply answers.
 */
export function eventDetail(event: HistoryEvent, partner?: WsSendEvent | WsRecvEvent): EventDetail {
  const conn = 'conn' in event.payload ? ` · conn ${event.payload.conn}` : '';
  const title = `#${event.seq} · ${event.t.toFixed(1)} ms · ${event.actor}${conn} · ${WHAT[event.kind]}`;
  switch (event.kind) {
    case 'ws_send':
    case 'ws_recv': {
      const body = frameBody(event);
      if (partner === undefined) return { title, body: event.kind === 'ws_send' ? `${body}\n\n(no reply)` : body };
      const relation = event.kind === 'ws_send' ? 'answered by' : 'answers';
      return { title, body: `${body}\n\n${relation} #${partner.seq} at ${partner.t.toFixed(1)} ms:\n${frameBody(partner)}` };
    }
    case 'http': {
      const p = event.payload;
      const request = p.body === undefined ? '' : `\n${pretty(p.body)}`;
      const took = `${(event.t - p.sentAt).toFixed(1)} ms`;
      const answer = p.status === null ? `no answer after ${took}: ${p.error ?? 'unknown'}` : `${p.status} after ${took}\n${pretty(p.response ?? '')}`;
      return { title, body: `${p.method} ${p.path} (sent at ${p.sentAt.toFixed(1)} ms)${request}\n\n→ ${answer}` };
    }
    default:
      return { title, body: pretty(event.payload) };
  }
}
