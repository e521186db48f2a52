/**
 * Creates the simulated attestation authority: root CA and platform CA (keys 0400), empty signed
 * CRLs for both, and an empty enrolment register.
 *
 * Run: npx tsx scripts/attestation/create-authority.ts --dir ./authority [--name Polis] [--crl-days 7]
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { createAuthority, issueCrl } from "../../src/enclave/attestation/authority.js";
import { certificateFingerprint } from "../../src/enclave/attestation/certificates.js";
import {
  AUTHORITY_FILES,
  saveAuthority,
  saveCrl,
  writePublicFile,
} from "../../src/enclave/attestation/files.js";

const { values } = parseArgs({
  options: {
    dir: { type: "string" },
    name: { type: "string", default: "Polis" },
    "crl-days": { type: "string", default: "7" },
  },
});
if (!values.dir) {
  console.error("usage: create-authority.ts --dir <folder> [--name <name>] [--crl-days <n>]");
  process.exit(1);
}
const dir = values.dir;
if (existsSync(join(dir, AUTHORITY_FILES.rootKey))) {
  console.error(`${dir} already holds an authority; refusing to overwrite it.`);
  process.exit(1);
}
const authority = createAuthority({ name: values.name });
await saveAuthority(dir, authority);
const validitySeconds = Number(values["crl-days"]) * 86_400;
await saveCrl(join(dir, AUTHORITY_FILES.rootCrl), issueCrl(authority.root, { validitySeconds }));
await saveCrl(
  join(dir, AUTHORITY_FILES.caCrl),
  issueCrl(authority.platformCa, { validitySeconds }),
);
await writePublicFile(join(dir, AUTHORITY_FILES.issued), "[]\n");
console.log(`authority created in ${dir}`);
console.log(`root certificate sha256: ${certificateFingerprint(authority.root.certPem)}`);
console.log(`pin ${join(dir, AUTHORITY_FILES.rootCert)} in the SMS (SMS_ATTESTATION_ROOT)`);
