import { systemClock, type Clock } from '../env/clock.js';
import type { HistoryRecorder } from '../history/recorder.js';
import { undiciCarriage, type HttpCarriageFactory } from './carriage.js';
import { HubHttpError, HubUnreachableError } from './errors.js';
import { redactText, redactTokens } from './redact.js';
import type {
  AdminResetReply,
  AgentStatesReply,
  HealthReply,
  MintTokenReply,
  RetryReply,
  RevokeTokenReply,
  StatsReply,
  SubmitTaskBody,
  SubmitTaskReply,
  TaskListFilter,
  TaskListReply,
  TaskView,
  TokenListReply,
} from './types.js';

export const DEFAULT_HTTP_TIMEOUT_MS = 5_000;

/** Raw bodies longer than this are recorded as a summary, so a 1 MiB probe does not bloat the history. */
const MAX_RECORDED_RAW_BODY = 4_096;

export interface HubClientOptions {
  /** e.g. http://127.0.0.1:4000 */
  baseUrl: string;
  /** Sent as `Authorization: Bearer <token>`; without it requests go unauthenticated. */
  token?: string;
  /** Deadline of every call, from sending to the last byte of the answer. Default 5000. */
  timeoutMs?: number;
  /** When given, every exchange is recorded as one `http` event. */
  recorder?: HistoryRecorder;
  /** Actor of the recorded events. Default `http`. */
  actor?: string;
  /** What carries the requests. Default: undici over TCP. */
  carriage?: HttpCarriageFactory;
  /** Clock of the deadlines. Default: the system clock. */
  clock?: Clock;
}

export interface RawRequestOptions {
  /** Sent as JSON with `content-type: application/json`. */
  body?: unknown;
  /** Sent exactly as given (content type application/json unless `headers` says otherwise). */
  rawBody?: string | Uint8Array;
  /** Added to, or replacing, the client's headers (names are case-insensitive). */
  headers?: Record<string, string>;
  /** Overrides the client's token for this request; null sends no Authorization header. */
  token?: string | null;
  timeoutMs?: number;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON when the answer parsed, else its text. */
  body: unknown;
}

export interface HubClient {
  readonly baseUrl: string;
  health(): Promise<HealthReply>;
  submitTask(body: SubmitTaskBody): Promise<SubmitTaskReply>;
  getTask(id: string): Promise<TaskView>;
  listTasks(filter?: TaskListFilter): Promise<TaskListReply>;
  stats(): Promise<StatsReply>;
  deadLetter(): Promise<TaskListReply>;
  retryTask(id: string): Promise<RetryReply>;
  mintToken(agentId: string): Promise<MintTokenReply>;
  listTokens(): Promise<TokenListReply>;
  revokeToken(agentId: string): Promise<RevokeTokenReply>;
  agentStates(): Promise<AgentStatesReply>;
  adminReset(): Promise<AdminResetReply>;
  /** Any request; answers of every status come back instead of throwing. Throws only when no answer came. */
  raw(method: string, path: string, options?: RawRequestOptions): Promise<RawResponse>;
  /** Closes the client's sockets; waits for calls in flight. Idempotent. */
  close(): Promise<void>;
}

function parseBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function recordableRawBody(rawBody: string | Uint8Array): unknown {
  if (typeof rawBody !== 'string') return { binaryBytes: rawBody.byteLength };
  if (rawBody.length <= MAX_RECORDED_RAW_BODY) return redactText(rawBody);
  return { truncated: true, chars: rawBody.length, head: redactText(rawBody.slice(0, 200)) };
}

function lowerCaseKeys(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}

function errorReason(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return typeof code === 'string' ? `${code}: ${err.message}` : err.message;
  }
  return String(err);
}

function query(filter: TaskListFilter): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(filter)) {
    if (value !== undefined) params.set(name, value);
  }
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

const segment = encodeURIComponent;

export function createHubClient(options: HubClientOptions): HubClient {
  const base = new URL(options.baseUrl);
  const prefix = base.pathname.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? DEFAULT_HTTP_TIMEOUT_MS;
  const actor = options.actor ?? 'http';
  const recorder = options.recorder;
  const carriage = (options.carriage ?? undiciCarriage)(base.origin);
  const clock = options.clock ?? systemClock;
  let closing: Promise<void> | undefined;

  async function raw(method: string, path: string, request: RawRequestOptions = {}): Promise<RawResponse> {
    const token = request.token === undefined ? options.token : request.token;
    const headers: Record<string, string> = {};
    if (token !== undefined && token !== null) headers.authorization = `Bearer ${token}`;
    let payload: string | Uint8Array | undefined;
    let recordedBody: unknown;
    if (request.rawBody !== undefined) {
      payload = request.rawBody;
      recordedBody = recordableRawBody(request.rawBody);
    } else if (request.body !== undefined) {
      payload = JSON.stringify(request.body);
      recordedBody = redactTokens(request.body);
    }
    if (payload !== undefined) headers['content-type'] = 'application/json';
    Object.assign(headers, lowerCaseKeys(request.headers ?? {}));

    const deadline = request.timeoutMs ?? timeoutMs;
    const id = recorder?.newHttpId() ?? 0;
    const sentAt = recorder?.now() ?? 0;
    const record = (outcome: { status: number | null; response?: unknown; error?: string }): void => {
      recorder?.record({
        actor,
        kind: 'http',
        payload: {
          id,
          method,
          path,
          ...(recordedBody === undefined ? {} : { body: recordedBody }),
          sentAt,
          status: outcome.status,
          ...(outcome.response === undefined ? {} : { response: redactTokens(outcome.response) }),
          ...(outcome.error === undefined ? {} : { error: outcome.error }),
        },
      });
    };

    const abort = new AbortController();
    const timer = clock.setTimeout(() => abort.abort(), deadline);
    try {
      const answer = await carriage.request({
        path: prefix + path,
        method,
        headers,
        body: payload ?? null,
        signal: abort.signal,
      });
      const body = parseBody(answer.text);
      record({ status: answer.status, response: body });
      return { status: answer.status, headers: answer.headers, body };
    } catch (err) {
      const timedOut = abort.signal.aborted;
      const reason = timedOut ? `no answer within ${deadline} ms` : errorReason(err);
      record({ status: null, error: reason });
      throw new HubUnreachableError(method, path, reason, timedOut, { cause: err });
    } finally {
      clock.clearTimeout(timer);
    }
  }

  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const answer = await raw(method, path, body === undefined ? {} : { body });
    if (answer.status < 200 || answer.status > 299) throw new HubHttpError(method, path, answer.status, answer.body);
    return answer.body as T;
  }

  return {
    baseUrl: options.baseUrl,
    health: () => call('GET', '/health'),
    submitTask: (body) => call('POST', '/api/tasks', body),
    getTask: (id) => call('GET', `/api/tasks/${segment(id)}`),
    listTasks: (filter = {}) => call('GET', `/api/tasks${query(filter)}`),
    stats: () => call('GET', '/api/tasks/stats'),
    deadLetter: () => call('GET', '/api/tasks/dead-letter'),
    retryTask: (id) => call('POST', `/api/tasks/${segment(id)}/retry`),
    mintToken: (agentId) => call('POST', '/admin/tokens', { agent_id: agentId }),
    listTokens: () => call('GET', '/admin/tokens'),
    revokeToken: (agentId) => call('DELETE', `/admin/tokens/${segment(agentId)}`),
    agentStates: () => call('GET', '/api/agents/states'),
    adminReset: () => call('POST', '/api/admin/reset'),
    raw,
    close: () => (closing ??= carriage.close()),
  };
}
