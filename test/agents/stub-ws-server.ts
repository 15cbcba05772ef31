/**
 * A scriptable stand-in for the hub's WebSocket side: answers identify with
 * `identified` and lets each test push frames and see what the agent sent.
 */
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { waitFor } from '../../src/testing/wait-for.js';

export interface StubSocket {
  socket: WebSocket;
  /** Parsed frames the agent sent on this socket (text that is not JSON as a string). */
  frames: unknown[];
  /** Set when the socket ended; 1006 means no close frame came. */
  closedWith?: { code: number; reason: string };
}

export interface StubWsServer {
  url: string;
  sockets: StubSocket[];
  /** Answers identify frames; replace to script other answers. */
  onFrame: (frame: Record<string, unknown>, socket: StubSocket) => void;
  push(socket: StubSocket, frame: unknown): void;
  waitForSockets(n: number): Promise<StubSocket>;
  waitForFrame(socket: StubSocket, type: string, index?: number): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

export function identifyAnswer(frame: Record<string, unknown>, stub: StubSocket): void {
  if (frame.type === 'identify') stub.socket.send(JSON.stringify({ type: 'identified', agent_id: frame.agent_id }));
}

export async function startStubWsServer(): Promise<StubWsServer> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, path: '/ws' });
  await new Promise<void>((resolve) => wss.once('listening', resolve));
  const { port } = wss.address() as AddressInfo;
  const server: StubWsServer = {
    url: `ws://127.0.0.1:${port}/ws`,
    sockets: [],
    onFrame: identifyAnswer,
    push: (stub, frame) => stub.socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame)),
    waitForSockets: (n) =>
      waitFor(() => server.sockets[n - 1], { timeoutMs: 2_000, what: `socket #${n} at the stub server` }),
    waitForFrame: async (stub, type, index = 0) =>
      (await waitFor(
        () => stub.frames.filter((frame) => (frame as { type?: unknown }).type === type)[index],
        { timeoutMs: 2_000, what: `${type} #${index + 1} at the stub server`, intervalMs: 5 },
      )) as Record<string, unknown>,
    close: async () => {
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve, reject) => wss.close((err) => (err ? reject(err) : resolve())));
    },
  };
  wss.on('connection', (socket) => {
    const stub: StubSocket = { socket, frames: [] };
    server.sockets.push(stub);
    socket.on('message', (data, isBinary) => {
      const text = isBinary ? null : data.toString();
      let frame: unknown = text;
      try {
        frame = text === null ? { binary: true } : JSON.parse(text);
      } catch {
        // Not JSON: kept as the text.
      }
      stub.frames.push(frame);
      if (typeof frame === 'object' && frame !== null) server.onFrame(frame as Record<string, unknown>, stub);
    });
    socket.on('close', (code, reason) => {
      stub.closedWith = { code, reason: reason.toString() };
    });
  });
  return server;
}
