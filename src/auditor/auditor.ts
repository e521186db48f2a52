import { createServer } from "node:http";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "pino";
import type { PolisClient } from "../sdk/client.js";
import { createAuditorApp } from "./http.js";
import { createIndexer } from "./indexer.js";
import type { Indexer, IndexerInit } from "./indexer.js";
import { createAuditorMetrics } from "./metrics.js";
import type { AuditorMetrics } from "./metrics.js";
import { createQueries } from "./queries.js";
import type { AuditorQueries } from "./queries.js";
import { openAuditorStore } from "./store.js";
import type { AuditorStore } from "./store.js";
import type { VerifyTaskEvidenceOptions } from "./verify/verifyTaskEvidence.js";

/** What the auditor is built from. */
export interface AuditorComponents {
  /** Read-only client of the deployment (createClient from src/sdk/client.ts). */
  client: PolisClient;
  logger: Logger;
  /** The index; default: a SQLite database at `init.dbPath`. */
  store?: AuditorStore;
  /** Extra evidence checks (the enclave module's certificate chain and usage receipt). */
  evidence?: VerifyTaskEvidenceOptions;
}

/** Options of the auditor service, with defaults. */
export interface AuditorInit extends IndexerInit {
  /** Listen address (default "127.0.0.1"). */
  host?: string;
  /** Listen port (default 13500; 0 = any free port). */
  port?: number;
  /** SQLite file (default ":memory:"), used when no store is given. */
  dbPath?: string;
  /** Run the indexer continuously (default true; tests may call `indexer.syncOnce()`). */
  watch?: boolean;
  /** Collect Node.js default metrics (default true). */
  defaultMetrics?: boolean;
}

/** A running (or stopped) auditor service. */
export interface Auditor {
  start(): Promise<void>;
  stop(): Promise<void>;
  readonly url: string;
  readonly store: AuditorStore;
  readonly indexer: Indexer;
  readonly queries: AuditorQueries;
  readonly metrics: AuditorMetrics;
}

/**
 * Creates the auditor service: the indexer, the query API (src/auditor/openapi.yaml) and the
 * explorer web page, with /metrics and /healthz.
 * @example
 * const auditor = createAuditor({ client, logger }, { dbPath: "auditor.db" });
 * await auditor.start(); // explorer at auditor.url
 */
export function createAuditor(components: AuditorComponents, init: AuditorInit = {}): Auditor {
  const { client, logger } = components;
  const store = components.store ?? openAuditorStore(init.dbPath ?? ":memory:");
  const metrics = createAuditorMetrics(init.defaultMetrics ?? true);
  const queries = createQueries(store);
  const indexer = createIndexer(
    {
      client,
      store,
      logger,
      onProgress(p) {
        metrics.indexedBlock.set(p.checkpoint);
        metrics.indexedEvents.inc(p.events);
      },
      onError: () => metrics.indexErrors.inc(),
    },
    init,
  );
  const app = createAuditorApp({
    client,
    queries,
    metrics,
    logger,
    evidence: components.evidence ?? {},
  });
  let server: Server | undefined;
  let url = "";
  return {
    get url() {
      return url;
    },
    store,
    indexer,
    queries,
    metrics,
    async start() {
      server = createServer(app);
      await new Promise<void>((resolve, reject) => {
        server!.once("error", reject);
        server!.listen(init.port ?? 13500, init.host ?? "127.0.0.1", () => resolve());
      });
      const address = server.address() as AddressInfo;
      url = `http://${address.address}:${address.port}`;
      if (init.watch ?? true) await indexer.start();
      logger.info({ url }, "auditor listening");
    },
    async stop() {
      await indexer.stop();
      if (server) {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server!.close(() => resolve()));
        server = undefined;
      }
      if (!components.store) store.close();
      logger.info("auditor stopped");
    },
  };
}
