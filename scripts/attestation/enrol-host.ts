/**
 * Enrols a worker host: generates its platform key (0400) and has the platform CA certify it.
 * Writes the host folder the enclave host reads (platform.key.pem, chain.pem, root.cert.pem,
 * platform.json) and records the serial in the authority's register.
 *
 * Run: npx tsx scripts/attestation/enrol-host.ts --authority ./authority --out ./host-1 \
 *        --platform-id host-1 [--tcb UpToDate] [--svn 1] [--days 365]
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { enrolPlatform, serialOf } from "../../src/enclave/attestation/authority.js";
import {
  AUTHORITY_FILES,
  loadAuthority,
  saveHostIdentity,
  writePublicFile,
} from "../../src/enclave/attestation/files.js";
import { TCB_STATUSES, type TcbStatus } from "../../src/enclave/attestation/quote.js";

const { values } = parseArgs({
  options: {
    authority: { type: "string" },
    out: { type: "string" },
    "platform-id": { type: "string" },
    tcb: { type: "string", default: "UpToDate" },
    svn: { type: "string", default: "1" },
    days: { type: "string", default: "365" },
  },
});
if (!values.authority || !values.out || !values["platform-id"]) {
  console.error(
    "usage: enrol-host.ts --authority <folder> --out <host folder> --platform-id <id> [--tcb UpToDate] [--svn 1] [--days 365]",
  );
  process.exit(1);
}
if (!TCB_STATUSES.includes(values.tcb as TcbStatus)) {
  console.error(`--tcb must be one of ${TCB_STATUSES.join(", ")}`);
  process.exit(1);
}
const authority = await loadAuthority(values.authority);
const identity = enrolPlatform(authority, {
  platformId: values["platform-id"],
  tcbStatus: values.tcb as TcbStatus,
  securityVersion: Number(values.svn),
  notAfter: new Date(Date.now() + Number(values.days) * 86_400_000),
});
await saveHostIdentity(values.out, identity);
const registerPath = join(values.authority, AUTHORITY_FILES.issued);
const register = JSON.parse(await readFile(registerPath, "utf8")) as object[];
register.push({
  serial: serialOf(identity.certPem),
  platformId: identity.platformId,
  issuedAt: new Date().toISOString(),
});
await writePublicFile(registerPath, JSON.stringify(register, null, 2) + "\n");
console.log(
  `host ${identity.platformId} enrolled in ${values.out} (serial ${serialOf(identity.certPem)})`,
);
