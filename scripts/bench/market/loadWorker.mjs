// HTTP load generator of the market bench, on its own thread so the client's work does not run on
// the server's event loop. Message in: { url, bodies, concurrency }; out: { statuses, seconds }.
import { Agent, request } from "node:http";
import { parentPort, workerData } from "node:worker_threads";

const { url, bodies, concurrency } = workerData;
const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
const post = (body) =>
  new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: "POST",
        agent,
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      },
    );
    req.on("error", reject);
    req.end(body);
  });

const statuses = {};
let next = 0;
const started = performance.now();
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (next < bodies.length) {
      const status = await post(bodies[next++]);
      statuses[status] = (statuses[status] ?? 0) + 1;
    }
  }),
);
const seconds = (performance.now() - started) / 1000;
agent.destroy();
parentPort.postMessage({ statuses, seconds });
