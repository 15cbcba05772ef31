import WebSocket from 'ws';
import type { TransportFactory } from './transport.js';

/** The real thing: a `ws` client socket. */
export const wsTransport: TransportFactory = (url, handlers) => {
  const socket = new WebSocket(url, { perMessageDeflate: false });
  let opened = false;
  let failure: string | undefined;

  socket.on('open', () => {
    opened = true;
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
