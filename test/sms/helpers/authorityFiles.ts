import { join } from "node:path";
import { issueCrl } from "../../../src/enclave/attestation/authority.js";
import { AUTHORITY_FILES, saveAuthority, saveCrl } from "../../../src/enclave/attestation/files.js";
import { authority } from "./harness.js";

/** Writes the shared test authority to `dir` the way scripts/attestation/create-authority does. */
export async function writeAuthority(dir: string): Promise<string> {
  await saveAuthority(dir, authority);
  await saveCrl(join(dir, AUTHORITY_FILES.rootCrl), issueCrl(authority.root));
  await saveCrl(join(dir, AUTHORITY_FILES.caCrl), issueCrl(authority.platformCa));
  return dir;
}
