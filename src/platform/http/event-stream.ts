import type { OutgoingHttpHeaders } from 'node:http';
import type { FastifyReply } from 'fastify';

/** One open `text/event-stream` response (server-sent events). */
export interface EventStream {
  /** Writes one event; a client too slow to take it is dropped (it resumes with Last-Event-ID). */
  send(event: string, id: string, data: unknown): void;
  /** A comment line: keeps proxies and the client from timing the connection out. */
  comment(text: string): void;
  end(): void;
  onClose(listener: () => void): void;
  readonly closed: boolean;
}

/** Output a slow client may leave unread before it is cut off. */
const MAX_BUFFERED_BYTES = 256 * 1024;
/** How long a client waits before reconnecting after the stream drops (SSE `retry:`). */
const RETRY_MS = 3000;

/**
 * Takes the response over from Fastify (hijack) and starts an SSE stream on it, keeping the
 * headers already set for the request (request id, security headers).
 */
export function openEventStream(reply: FastifyReply): EventStream {
  const headers: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(reply.getHeaders())) if (value !== undefined) headers[name] = value;
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, {
    ...headers,
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    'x-accel-buffering': 'no',
  });
  res.write(`retry: ${RETRY_MS}\n\n`);
  const isClosed = (): boolean => res.destroyed || res.writableEnded || res.socket?.destroyed !== false;
  const write = (chunk: string): void => {
    if (isClosed()) return;
    if (res.writableLength > MAX_BUFFERED_BYTES) {
      res.destroy();
      return;
    }
    res.write(chunk);
  };
  return {
    send(event, id, data) {
      write(`event: ${event}\nid: ${id}\ndata: ${JSON.stringify(data)}\n\n`);
    },
    comment(text) {
      write(`: ${text}\n\n`);
    },
    end() {
      if (!isClosed()) res.end();
    },
    onClose(listener) {
      // The response's close also fires when the client goes away (the request's may fire early).
      res.once('close', listener);
    },
    get closed() {
      return isClosed();
    },
  };
}
