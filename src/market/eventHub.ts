import type { Response } from "express";

/** Server-sent events fan-out: every subscriber gets every event. */
export interface EventHub {
  /** Streams events to `res` until the client disconnects. */
  subscribe(res: Response): void;
  publish(event: string, data: unknown): void;
  clients(): number;
  close(): void;
}

/**
 * Creates an SSE hub. Each event has an increasing `id`; a comment line is sent every
 * `heartbeatMs` so proxies keep the connection open.
 */
export function createEventHub(heartbeatMs = 15_000): EventHub {
  const subscribers = new Set<Response>();
  let nextId = 1;
  const timer = setInterval(() => {
    for (const res of subscribers) res.write(": keep-alive\n\n");
  }, heartbeatMs);
  timer.unref();
  return {
    subscribe(res) {
      res.writeHead(200, {
        "Content-Type": "text/event-stream",
        "Cache-Control": "no-cache",
        Connection: "keep-alive",
        "X-Accel-Buffering": "no",
      });
      res.write("retry: 2000\n\n");
      subscribers.add(res);
      res.on("close", () => subscribers.delete(res));
    },
    publish(event, data) {
      if (subscribers.size === 0) return;
      const frame = `id: ${nextId++}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
      for (const res of subscribers) res.write(frame);
    },
    clients: () => subscribers.size,
    close() {
      clearInterval(timer);
      for (const res of subscribers) res.end();
      subscribers.clear();
    },
  };
}
