import { join } from "node:path";
import {
  createAuthority,
  enrolPlatform,
  issueCrl,
  serialOf,
} from "../enclave/attestation/authority.js";
import {
  AUTHORITY_FILES,
  saveAuthority,
  saveCrl,
  saveHostIdentity,
  writePublicFile,
} from "../enclave/attestation/files.js";

/** Where the stack's attestation authority and its enrolled worker hosts live. */
export interface StackAuthority {
  /** The authority folder (what the SMS pins: root.cert.pem, platform-ca.cert.pem, crl/). */
  dir: string;
  /** One host folder per enrolled worker (what each enclave host loads). */
  hostDirs: string[];
}

/**
 * Creates the simulated attestation authority and enrols `hosts` worker hosts, as
 * scripts/attestation/create-authority.ts and enrol-host.ts do: root CA and platform CA keys
 * (0400), empty signed CRLs, an issued register, and a certified platform key per host.
 */
export async function createStackAuthority(
  dir: string,
  hostsDir: string,
  hosts: number,
): Promise<StackAuthority> {
  const authority = createAuthority({ name: "Polis local stack" });
  await saveAuthority(dir, authority);
  await saveCrl(join(dir, AUTHORITY_FILES.rootCrl), issueCrl(authority.root));
  await saveCrl(join(dir, AUTHORITY_FILES.caCrl), issueCrl(authority.platformCa));
  const issued: object[] = [];
  const hostDirs: string[] = [];
  for (let i = 0; i < hosts; i++) {
    const identity = enrolPlatform(authority, { platformId: `worker-host-${i}` });
    const hostDir = join(hostsDir, `worker${i}`);
    await saveHostIdentity(hostDir, identity);
    issued.push({
      serial: serialOf(identity.certPem),
      platformId: identity.platformId,
      issuedAt: new Date().toISOString(),
    });
    hostDirs.push(hostDir);
  }
  await writePublicFile(join(dir, AUTHORITY_FILES.issued), JSON.stringify(issued, null, 2) + "\n");
  return { dir, hostDirs };
}
