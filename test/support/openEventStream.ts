import { request as httpRequest } from 'node:http';

/** One Server-Sent Event as received: its `event:` name and parsed JSON `data:`. */
export interface ReceivedEvent {
  event: string;
  data: unknown;
}

/** An open `text/event-stream` response whose events are collected as they arrive. */
export interface OpenEventStream {
  /** Every event so far, in order. */
  events: ReceivedEvent[];
  /** Closes the connection from the client side. */
  close: () => void;
}

/**
 * Opens `url` (e.g. `http://127.0.0.1:1234/api/v1/stream`) with a raw HTTP request and collects
 * its Server-Sent Events; resolves once the response headers arrived with status 200.
 */
export function openEventStream(
  url: string,
  headers: Record<string, string>,
): Promise<OpenEventStream> {
  return new Promise((resolve, reject) => {
    const events: ReceivedEvent[] = [];
    const request = httpRequest(url, { headers, agent: false }, (response) => {
      if (response.statusCode !== 200) {
        reject(new Error(`${url} answered ${response.statusCode}`));
        response.resume();
        return;
      }
      let buffer = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        buffer += chunk;
        // Messages end with a blank line; a partial one waits for its next chunk.
        let end = buffer.indexOf('\n\n');
        while (end >= 0) {
          const message = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const lines = message.split('\n');
          const event = lines.find((line) => line.startsWith('event: '))?.slice(7);
          const data = lines.find((line) => line.startsWith('data: '))?.slice(6);
          if (event !== undefined && data !== undefined) {
            events.push({ event, data: JSON.parse(data) as unknown });
          }
          end = buffer.indexOf('\n\n');
        }
      });
      resolve({ events, close: () => request.destroy() });
    });
    request.on('error', reject);
    request.end();
  });
}
