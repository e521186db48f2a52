/**
 * Revokes a platform certificate (by serial or platform id) or the platform CA, or just re-signs
 * the CRLs with a new validity (--refresh). Publish the new CRL files to every SMS (they reload
 * them, or POST them to /v1/crls).
 *
 * Run: npx tsx scripts/attestation/revoke.ts --authority ./authority --platform-id host-1
 *      npx tsx scripts/attestation/revoke.ts --authority ./authority --serial 1a2b...
 *      npx tsx scripts/attestation/revoke.ts --authority ./authority --platform-ca
 *      npx tsx scripts/attestation/revoke.ts --authority ./authority --refresh [--days 7]
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { issueCrl, serialOf } from "../../src/enclave/attestation/authority.js";
import { normalizeSerial } from "../../src/enclave/attestation/certificates.js";
import { parseCrl } from "../../src/enclave/attestation/crl.js";
import { AUTHORITY_FILES, loadAuthority, saveCrl } from "../../src/enclave/attestation/files.js";

const { values } = parseArgs({
  options: {
    authority: { type: "string" },
    serial: { type: "string" },
    "platform-id": { type: "string" },
    "platform-ca": { type: "boolean", default: false },
    refresh: { type: "boolean", default: false },
    days: { type: "string", default: "7" },
  },
});
const dir = values.authority;
if (
  !dir ||
  (!values.serial && !values["platform-id"] && !values["platform-ca"] && !values.refresh)
) {
  console.error(
    "usage: revoke.ts --authority <folder> (--serial <hex> | --platform-id <id> | --platform-ca | --refresh) [--days 7]",
  );
  process.exit(1);
}
const authority = await loadAuthority(dir);
const readCrl = async (file: string) =>
  parseCrl(JSON.parse(await readFile(join(dir, file), "utf8"))).body;
const platformCrl = await readCrl(AUTHORITY_FILES.caCrl);
const rootCrl = await readCrl(AUTHORITY_FILES.rootCrl);
const platformSerials = platformCrl.serials;
const caSerials = rootCrl.serials;
// A new list must be strictly newer than the one every SMS holds, even within the same second.
const now = Math.max(Date.now(), (Math.max(platformCrl.issuedAt, rootCrl.issuedAt) + 1) * 1000);

if (values.serial) platformSerials.push(normalizeSerial(values.serial));
if (values["platform-id"]) {
  const register = JSON.parse(await readFile(join(dir, AUTHORITY_FILES.issued), "utf8")) as {
    serial: string;
    platformId: string;
  }[];
  const matches = register.filter((r) => r.platformId === values["platform-id"]);
  if (matches.length === 0) {
    console.error(`no enrolled host named ${values["platform-id"]}`);
    process.exit(1);
  }
  platformSerials.push(...matches.map((r) => r.serial));
}
if (values["platform-ca"]) caSerials.push(serialOf(authority.platformCa.certPem));

const validitySeconds = Number(values.days) * 86_400;
await saveCrl(
  join(dir, AUTHORITY_FILES.caCrl),
  issueCrl(authority.platformCa, { serials: platformSerials, validitySeconds, now }),
);
await saveCrl(
  join(dir, AUTHORITY_FILES.rootCrl),
  issueCrl(authority.root, { serials: caSerials, validitySeconds, now }),
);
console.log(
  `CRLs re-signed: ${new Set(platformSerials).size} platform(s), ${new Set(caSerials).size} platform CA(s) revoked; valid ${values.days} days`,
);
