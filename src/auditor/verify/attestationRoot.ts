import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { AUTHORITY_FILES, loadAuthorityCrls } from "../../enclave/attestation/files.js";
import { createSmsClient } from "../../sdk/sms/client.js";

/** The root attestation quotes must chain to, with the revocation lists known. */
export interface AttestationRootInput {
  rootCertPem: string;
  crls: unknown[];
}

/**
 * Loads the attestation root an auditor checks quotes against: from the authority's public folder
 * (root.cert.pem and its crl/ lists), else from an SMS (`GET /v1/attestation`: the root it pins
 * and its installed lists). Undefined when neither is given.
 * @throws when the folder or the SMS is given but cannot be read.
 */
export async function loadAttestationRoot(p: {
  dir?: string;
  smsUrl?: string;
}): Promise<AttestationRootInput | undefined> {
  if (p.dir) {
    const rootCertPem = await readFile(join(p.dir, AUTHORITY_FILES.rootCert), "utf8");
    const hasCrls = [AUTHORITY_FILES.rootCrl, AUTHORITY_FILES.caCrl].every((f) =>
      existsSync(join(p.dir!, f)),
    );
    return { rootCertPem, crls: hasCrls ? await loadAuthorityCrls(p.dir) : [] };
  }
  if (p.smsUrl) return createSmsClient({ url: p.smsUrl, chainId: 0n }).attestationRoot();
  return undefined;
}
