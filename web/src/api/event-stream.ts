import { accessToken, refreshSession } from './client';

/** One server-sent event. */
export interface StreamEvent {
  event: string;
  id: string | undefined;
  data: string;
}

/**
 * Server-sent events over fetch (EventSource cannot send the Authorization header): parses the
 * stream, reconnects with Last-Event-ID after a drop, and stops when the returned function is
 * called.
 */
export function subscribe(path: string, onEvent: (event: StreamEvent) => void, options: { auth?: boolean } = {}): () => void {
  const controller = new AbortController();
  let lastEventId: string | undefined;
  let retryMs = 3000;

  const connect = async (): Promise<void> => {
    const headers: Record<string, string> = { accept: 'text/event-stream' };
    const token = options.auth ? accessToken() : null;
    if (token) headers.authorization = `Bearer ${token}`;
    if (lastEventId) headers['last-event-id'] = lastEventId;
    const response = await fetch(`/api/v1${path}`, { headers, signal: controller.signal });
    if (response.status === 401 && options.auth && (await refreshSession())) return;
    if (!response.ok || !response.body) throw new Error(`stream answered ${response.status}`);
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value;
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const parsed = parseBlock(block);
        if (parsed.retry) retryMs = parsed.retry;
        if (parsed.event) {
          if (parsed.event.id) lastEventId = parsed.event.id;
          onEvent(parsed.event);
        }
      }
    }
  };

  void (async () => {
    while (!controller.signal.aborted) {
      try {
        await connect();
      } catch {
        // dropped or refused: try again after the server's retry interval
      }
      if (controller.signal.aborted) return;
      await new Promise((resolve) => setTimeout(resolve, retryMs));
    }
  })();
  return () => controller.abort();
}

function parseBlock(block: string): { event?: StreamEvent; retry?: number } {
  let event = 'message';
  let id: string | undefined;
  const data: string[] = [];
  let retry: number | undefined;
  for (const line of block.split('\n')) {
    if (line.startsWith(':') || line === '') continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') event = value;
    else if (field === 'id') id = value;
    else if (field === 'data') data.push(value);
    else if (field === 'retry' && /^\d+$/.test(value)) retry = Number(value);
  }
  return { event: data.length > 0 ? { event, id, data: data.join('\n') } : undefined, retry };
}
