import WebSocket from 'ws';
import type { TransportFactory } from './transport.js';

/**
 * A protocol ping this often keeps a connection that sends no frame (an agent
 * sitting on its task) from the hub's idle timeout, as a live sidecar's would:
 * well under the real hub's 60 s and the fast profile's 30 s. It is a control
 * frame, so the history does not see it.
 */
const KEEPALIVE_MS = 10_000;

/** The real thing: a `ws` client socket. */
export const wsTransport: TransportFactory = (url, handlers) => {
  const socket = new WebSocket(url, { perMessageDeflate: false });
  let opened = false;
  let failure: string | undefined;
  let keepalive: ReturnType<typeof setInterval> | undefined;

  socket.on('open', () => {
    opened = true;
    keepalive = setInterval(() => {
      if (socket.readyState === WebSocket.OPEN) socket.ping();
    }, KEEPALIVE_MS);
    handlers.open();
  });
  socket.on('message', (data, isBinary) => {
    const bytes = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
    handlers.message(isBinary ? { kind: 'binary', data: bytes } : { kind: 'text', text: bytes.toString('utf8') });
  });
  // An error is always followed by 'close'; it only explains a failed connect.
  socket.on('error', (err) => {
    failure ??= err.message;
  });
  socket.on('close', (code, reason) => {
    clearInterval(keepalive);
    const text = reason.toString('utf8');
    handlers.close({ code, reason: opened ? text : (failure ?? text) });
  });

  return {
    sendText: (text) => socket.send(text),
    sendBinary: (data) => socket.send(data, { binary: true }),
    close: (code, reason) => socket.close(code, reason),
    kill: () => socket.terminate(),
  };
};
