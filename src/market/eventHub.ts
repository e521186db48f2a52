import type { Request, Response } from "express";

/** Server-sent events fan-out: every subscriber gets every event, and can resume after a drop. */
export interface EventHub {
  /**
   * Streams events to `res` until the client disconnects. A client that sends `Last-Event-ID`
   * (EventSource does on reconnect) or `?since=<id>` first gets the events it missed.
   */
  subscribe(req: Request, res: Response): void;
  publish(event: string, data: unknown): void;
  clients(): number;
  close(): void;
}

export interface EventHubOptions {
  /** Comment line period, so proxies keep the connection open (default 15 s). */
  heartbeatMs?: number;
  /** Recent events kept for resuming clients (default 10,000). */
  replay?: number;
  /** A client whose unsent backlog passes this many bytes is disconnected (default 4 MiB). */
  maxBacklogBytes?: number;
}

/**
 * Creates an SSE hub. Event ids are `<boot>-<n>`: `boot` names this process's run, `n` increases.
 * A resuming client gets every event after its id from the replay buffer; when that is not
 * possible (the id is from another run, or older than the buffer) it gets a `reset` event, meaning
 * "reload the book, you missed events". A client that reads too slowly is cut off rather than
 * buffered without bound; EventSource then reconnects and resumes.
 */
export function createEventHub(options: EventHubOptions = {}): EventHub {
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const replaySize = options.replay ?? 10_000;
  const maxBacklog = options.maxBacklogBytes ?? 4 * 1024 * 1024;
  const boot = Date.now().toString(36);
  const subscribers = new Set<Response>();
  // Ring buffer: the frame of event n is at ring[n % replaySize] while lastN - n < replaySize.
  const ring: string[] = new Array<string>(replaySize);
  let lastN = 0;

  const send = (res: Response, chunk: string) => {
    if (res.writableLength > maxBacklog) {
      subscribers.delete(res);
      res.destroy();
      return;
    }
    res.write(chunk);
  };
  const timer = setInterval(() => {
    for (const res of subscribers) send(res, ": keep-alive\n\n");
  }, heartbeatMs);
  timer.unref();

  /** The frames after `lastId`, or undefined when they cannot be replayed. */
  const missed = (lastId: string): string[] | undefined => {
    const m = /^([0-9a-z]+)-(\d+)$/.exec(lastId);
    if (!m || m[1] !== boot) return undefined;
    const n = Number(m[2]);
    if (n > lastN) return undefined;
    if (lastN - n > replaySize) return undefined;
    const frames: string[] = [];
    for (let k = n + 1; k <= lastN; k++) frames.push(ring[k % replaySize]);
    return frames;
  };

  return {
    subscribe(req, res) {
      res.writeHead(200, {
        "Content-Type": "text/event-stream",
        "Cache-Control": "no-cache",
        Connection: "keep-alive",
        "X-Accel-Buffering": "no",
      });
      res.write("retry: 2000\n\n");
      const since = req.header("last-event-id") ?? req.query.since;
      if (typeof since === "string" && since !== "") {
        const frames = missed(since.slice(0, 100));
        if (frames) for (const f of frames) res.write(f);
        else
          res.write(
            `id: ${boot}-${lastN}\nevent: reset\ndata: ${JSON.stringify({ reason: "Events were missed; reload the book." })}\n\n`,
          );
      }
      subscribers.add(res);
      res.on("close", () => subscribers.delete(res));
    },
    publish(event, data) {
      const n = ++lastN;
      const frame = `id: ${boot}-${n}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
      ring[n % replaySize] = frame;
      for (const res of subscribers) send(res, frame);
    },
    clients: () => subscribers.size,
    close() {
      clearInterval(timer);
      for (const res of subscribers) res.end();
      subscribers.clear();
    },
  };
}
