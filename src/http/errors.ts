import { redactText } from './redact.js';

const MAX_BODY_IN_MESSAGE = 300;

function describeBody(body: unknown): string {
  const text = typeof body === 'string' ? body : JSON.stringify(body) ?? String(body);
  const short = text.length > MAX_BODY_IN_MESSAGE ? `${text.slice(0, MAX_BODY_IN_MESSAGE)}…` : text;
  return redactText(short);
}

/** The hub answered, with a status outside 2xx. */
export class HubHttpError extends Error {
  override readonly name = 'HubHttpError';

  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    /** Parsed JSON when the answer parsed, else its text. */
    readonly body: unknown,
  ) {
    super(`${method} ${path} answered ${status}: ${describeBody(body)}`);
  }
}

/** No answer came: the connection failed or the deadline passed first. */
export class HubUnreachableError extends Error {
  override readonly name = 'HubUnreachableError';

  constructor(
    readonly method: string,
    readonly path: string,
    /** Why no answer came, e.g. `no answer within 5000 ms` or `ECONNREFUSED`. */
    readonly reason: string,
    readonly timedOut: boolean,
    options?: { cause?: unknown },
  ) {
    super(`${method} ${path}: ${reason}`, options);
  }
}
