import type { IncomingMessage } from 'node:http';

export const MAX_BODY_BYTES = 1024 * 1024;

/**
 * The request body as text, `too_large` past the limit (the rest is read and
 * dropped so the client still gets its answer), or `aborted`. The server's
 * requestTimeout is the deadline on a body that never ends.
 */
export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<string | 'too_large' | 'aborted'> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > limit ? 'too_large' : Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => resolve('aborted'));
    req.on('close', () => resolve('aborted'));
  });
}
