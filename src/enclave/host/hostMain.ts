import { createPrivateKey } from "node:crypto";
import { statSync } from "node:fs";
import { join } from "node:path";
import { EnclaveError } from "../errors.js";
import { HOST_FILES, loadHostIdentity } from "../attestation/files.js";
import { detectIsolation } from "../sandbox/isolation.js";
import { runPipeline, type PipelineContext } from "./pipeline.js";
import type { HostMessage, ParentMessage } from "./protocol.js";
import { createSmsSessionClient, type SmsSessionClient } from "./smsClient.js";
import { WarmSandboxes } from "./warmSandboxes.js";

/** Session nonces fetched at once and kept for the next tasks (one SMS request per 8 tasks). */
const NONCES_KEPT = 8;

/** argv[2] of the host process (JSON). */
export interface HostProcessConfig {
  platformDir: string;
  workDir: string;
  nodePath: string;
}

const send = (m: HostMessage) => process.send!(m);
const pending = new Map<string, { resolve: (v: string) => void; reject: (e: Error) => void }>();

function ask(key: string, message: HostMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    pending.set(key, { resolve, reject });
    send(message);
  });
}

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2] ?? "{}") as HostProcessConfig;
  const keyPath = join(config.platformDir, HOST_FILES.key);
  if ((statSync(keyPath).mode & 0o077) !== 0)
    throw new Error(`${keyPath} must not be readable by group or others`);
  const platform = await loadHostIdentity(config.platformDir);
  const platformKey = createPrivateKey(platform.privateKeyPem);
  platform.privateKeyPem = ""; // keep only the KeyObject
  const isolation = detectIsolation();
  const warm = new WarmSandboxes({ workDir: config.workDir });
  const smsClients = new Map<string, SmsSessionClient>();
  const sms = (url: string) => {
    let client = smsClients.get(url);
    if (!client) {
      if (smsClients.size >= 16) smsClients.clear(); // deals name few SMSs; bound it anyway
      client = createSmsSessionClient(url, { prefetch: NONCES_KEPT });
      smsClients.set(url, client);
    }
    return client;
  };
  const contextFor = (id: number): PipelineContext => ({
    platform,
    platformKey,
    isolation,
    workDir: config.workDir,
    nodePath: config.nodePath,
    warm,
    sms,
    requestAuthorization: (enclave) =>
      ask(`auth:${id}`, { type: "needAuthorization", id, enclave }),
    requestWorkerSignature: (digest) =>
      ask(`sig:${id}`, { type: "needWorkerSignature", id, digest }),
  });

  process.on("message", (m: ParentMessage) => {
    switch (m.type) {
      case "run":
        runPipeline(m.spec, contextFor(m.id)).then(
          (result) => send({ type: "result", id: m.id, result }),
          (e: unknown) => send({ type: "error", id: m.id, error: serialize(e) }),
        );
        break;
      case "authorization":
      case "workerSignature": {
        const key = `${m.type === "authorization" ? "auth" : "sig"}:${m.id}`;
        pending.get(key)?.resolve(m.signature);
        pending.delete(key);
        break;
      }
      case "hookFailed":
        for (const prefix of ["auth", "sig"]) {
          pending
            .get(`${prefix}:${m.id}`)
            ?.reject(
              new EnclaveError("WorkerHookFailed", `The worker could not help: ${m.message}`),
            );
          pending.delete(`${prefix}:${m.id}`);
        }
        break;
      case "shutdown":
        process.disconnect();
        break;
    }
  });
  // Warm sandboxes exit with their IPC channel anyway; closing them removes their folders too.
  process.on("disconnect", () => void warm.closeAll().finally(() => process.exit(0)));
  send({ type: "ready", networkIsolated: isolation.network, platformId: platform.platformId });
}

function serialize(e: unknown) {
  if (e instanceof EnclaveError)
    return { reason: e.reason, message: e.shortMessage, details: e.details };
  // Unknown failures: the message only (no stack, no values).
  return { reason: "HostInternal" as const, message: e instanceof Error ? e.message : String(e) };
}

main().catch((e: unknown) => {
  send({ type: "fatal", message: e instanceof Error ? e.message : String(e) });
  process.exit(1);
});
