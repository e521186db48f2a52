import { canonicalBytes } from "./canonical.js";
import { sha256 } from "./crypto/bytes.js";

/** The enclave config an app's measurement covers (docs/PROTOCOLS.md §2). */
export interface EnclaveConfig {
  entrypoint: string;
  runtime: "node" | "wasi";
  limits: { cpuMs: number; memoryMb: number; outputBytes: number; wallMs: number };
  debug: boolean;
}

/** sha256(canonical JSON of the enclave config): the app's on-chain `enclaveConfigHash`. */
export function enclaveConfigHash(config: EnclaveConfig): string {
  return "0x" + sha256(canonicalBytes(config)).toString("hex");
}

/**
 * The app's measurement ("mrenclave") = sha256("POLISMR1" || sha256(bundle) || sha256(canonical
 * config)). It must equal the on-chain `mrenclave` for the SMS to release secrets.
 */
export function measureApp(bundle: Uint8Array, config: EnclaveConfig): string {
  const digest = sha256(
    Buffer.concat([
      Buffer.from("POLISMR1", "ascii"),
      sha256(bundle),
      sha256(canonicalBytes(config)),
    ]),
  );
  return "0x" + digest.toString("hex");
}
