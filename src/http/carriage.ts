import { Pool } from 'undici';

/** One request as it goes on the wire. */
export interface CarriedRequest {
  method: string;
  /** Path and query, e.g. `/api/tasks?status=queued`. */
  path: string;
  headers: Record<string, string>;
  body: string | Uint8Array | null;
  /** Aborting it fails the request at once. */
  signal: AbortSignal;
}

export interface CarriedAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/**
 * What carries the HTTP client's requests to the hub and back: undici over
 * TCP, or the simulated network.
 */
export interface HttpCarriage {
  request(request: CarriedRequest): Promise<CarriedAnswer>;
  /** Releases every connection; waits for requests in flight. */
  close(): Promise<void>;
}

/** Makes the carriage for one origin (`http://host:port`). */
export type HttpCarriageFactory = (origin: string) => HttpCarriage;

/** One undici pool per client, so close() reaches every keep-alive socket it opened. */
export const undiciCarriage: HttpCarriageFactory = (origin) => {
  const pool = new Pool(origin);
  return {
    async request({ method, path, headers, body, signal }) {
      const answer = await pool.request({ path, method: method as 'GET', headers, body, signal });
      return { status: answer.statusCode, headers: answer.headers, text: await answer.body.text() };
    },
    close: () => pool.close(),
  };
};
