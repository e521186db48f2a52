import { chmod, mkdir, open, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Authority, PlatformIdentity } from "./authority.js";
import { parseCrl, type SignedCrl } from "./crl.js";
import type { TcbStatus } from "./quote.js";

/**
 * On-disk layouts. Authority folder: root.key.pem and platform-ca.key.pem (0400), root.cert.pem,
 * platform-ca.cert.pem, crl/root.json, crl/platform-ca.json, issued.json. Host folder:
 * platform.key.pem (0400), chain.pem, root.cert.pem, platform.json.
 */
export const AUTHORITY_FILES = {
  rootKey: "root.key.pem",
  rootCert: "root.cert.pem",
  caKey: "platform-ca.key.pem",
  caCert: "platform-ca.cert.pem",
  rootCrl: "crl/root.json",
  caCrl: "crl/platform-ca.json",
  issued: "issued.json",
} as const;

export const HOST_FILES = {
  key: "platform.key.pem",
  chain: "chain.pem",
  root: "root.cert.pem",
  info: "platform.json",
} as const;

/** Writes a file that must not exist yet with `mode` (0400 for keys), then fsyncs it. */
export async function writeSecretFile(path: string, data: string | Buffer, mode = 0o400) {
  const handle = await open(path, "wx", mode);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await chmod(path, mode);
}

/** Replaces a public file atomically (temp + rename). */
export async function writePublicFile(path: string, data: string) {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, data, { mode: 0o644 });
  await rename(tmp, path);
}

export async function saveAuthority(dir: string, a: Authority): Promise<void> {
  await mkdir(join(dir, "crl"), { recursive: true, mode: 0o700 });
  await writeSecretFile(join(dir, AUTHORITY_FILES.rootKey), a.root.privateKeyPem);
  await writeSecretFile(join(dir, AUTHORITY_FILES.caKey), a.platformCa.privateKeyPem);
  await writePublicFile(join(dir, AUTHORITY_FILES.rootCert), a.root.certPem);
  await writePublicFile(join(dir, AUTHORITY_FILES.caCert), a.platformCa.certPem);
}

export async function loadAuthority(dir: string): Promise<Authority> {
  const read = (f: string) => readFile(join(dir, f), "utf8");
  return {
    root: {
      certPem: await read(AUTHORITY_FILES.rootCert),
      privateKeyPem: await read(AUTHORITY_FILES.rootKey),
    },
    platformCa: {
      certPem: await read(AUTHORITY_FILES.caCert),
      privateKeyPem: await read(AUTHORITY_FILES.caKey),
    },
  };
}

/** Reads the authority's published CRLs (root, platform CA). */
export async function loadAuthorityCrls(dir: string): Promise<SignedCrl[]> {
  return Promise.all(
    [AUTHORITY_FILES.rootCrl, AUTHORITY_FILES.caCrl].map(async (f) =>
      parseCrl(JSON.parse(await readFile(join(dir, f), "utf8"))),
    ),
  );
}

export async function saveCrl(path: string, crl: SignedCrl): Promise<void> {
  await writePublicFile(path, JSON.stringify(crl, null, 2) + "\n");
}

interface PlatformInfo {
  platformId: string;
  tcbStatus: TcbStatus;
  securityVersion: number;
}

export async function saveHostIdentity(dir: string, id: PlatformIdentity): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await writeSecretFile(join(dir, HOST_FILES.key), id.privateKeyPem);
  await writePublicFile(join(dir, HOST_FILES.chain), id.certChain.join(""));
  await writePublicFile(join(dir, HOST_FILES.root), id.rootCertPem);
  const info: PlatformInfo = {
    platformId: id.platformId,
    tcbStatus: id.tcbStatus,
    securityVersion: id.securityVersion,
  };
  await writePublicFile(join(dir, HOST_FILES.info), JSON.stringify(info, null, 2) + "\n");
}

export async function loadHostIdentity(dir: string): Promise<PlatformIdentity> {
  const read = (f: string) => readFile(join(dir, f), "utf8");
  const chainPem = await read(HOST_FILES.chain);
  const certChain = chainPem.match(
    /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n?/g,
  );
  if (!certChain || certChain.length !== 2)
    throw new Error(`${HOST_FILES.chain}: expected 2 certificates`);
  const info = JSON.parse(await read(HOST_FILES.info)) as PlatformInfo;
  return {
    ...info,
    privateKeyPem: await read(HOST_FILES.key),
    certPem: certChain[0],
    certChain,
    rootCertPem: await read(HOST_FILES.root),
  };
}
