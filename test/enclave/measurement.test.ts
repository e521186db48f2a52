import { expect } from "chai";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { packArchive } from "../../src/core/crypto/archive.js";
import { EnclaveError } from "../../src/enclave/errors.js";
import {
  enclaveConfigHash,
  loadBundle,
  measureApp,
  validateEnclaveConfig,
  type EnclaveConfig,
} from "../../src/enclave/measurement.js";
import { APPS_DIR, VITALS_CONFIG } from "./helpers/teeMarket.js";

describe("Enclave measurement", () => {
  it("is the same for a bundle folder and its archive file, and changes with any byte or limit", async () => {
    const folder = await loadBundle(join(APPS_DIR, "vitals"));
    const dir = mkdtempSync(join(tmpdir(), "polis-bundle-"));
    try {
      writeFileSync(join(dir, "bundle.polis"), folder);
      expect(measureApp(await loadBundle(join(dir, "bundle.polis")), VITALS_CONFIG)).to.equal(
        measureApp(folder, VITALS_CONFIG),
      );
      const m = measureApp(folder, VITALS_CONFIG);
      expect(m).to.match(/^0x[0-9a-f]{64}$/);
      const changed = Buffer.from(folder);
      changed[changed.length - 2] ^= 1;
      expect(measureApp(changed, VITALS_CONFIG)).to.not.equal(m);
      const variants: EnclaveConfig[] = [
        { ...VITALS_CONFIG, debug: true },
        { ...VITALS_CONFIG, entrypoint: "other.mjs" },
        { ...VITALS_CONFIG, limits: { ...VITALS_CONFIG.limits, memoryMb: 129 } },
        { ...VITALS_CONFIG, reuse: "deal" }, // a warm sandbox per deal is measured
      ];
      for (const v of variants) expect(measureApp(folder, v)).to.not.equal(m);
      expect(enclaveConfigHash({ ...VITALS_CONFIG })).to.equal(enclaveConfigHash(VITALS_CONFIG));
      // Keys in another order measure the same (canonical JSON).
      const reordered = JSON.parse(
        `{"debug":false,"limits":${JSON.stringify(VITALS_CONFIG.limits)},"runtime":"node","entrypoint":"app.mjs"}`,
      );
      expect(measureApp(folder, reordered)).to.equal(m);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("refuses invalid configs and bundles", async () => {
    const bad: unknown[] = [
      null,
      { ...VITALS_CONFIG, extra: 1 },
      { ...VITALS_CONFIG, runtime: "python" },
      { ...VITALS_CONFIG, entrypoint: "../escape.mjs" },
      { ...VITALS_CONFIG, entrypoint: "/abs.mjs" },
      { ...VITALS_CONFIG, limits: { ...VITALS_CONFIG.limits, cpuMs: 0 } },
      { ...VITALS_CONFIG, limits: { ...VITALS_CONFIG.limits, wallMs: 1.5 } },
      { ...VITALS_CONFIG, debug: "no" },
      { ...VITALS_CONFIG, reuse: "requester" },
      { ...VITALS_CONFIG, reuse: null },
    ];
    expect(validateEnclaveConfig({ ...VITALS_CONFIG, reuse: "deal" }).reuse).to.equal("deal");
    for (const c of bad) expect(() => validateEnclaveConfig(c)).to.throw(EnclaveError);
    const dir = mkdtempSync(join(tmpdir(), "polis-bundle-"));
    try {
      writeFileSync(join(dir, "not-an-archive"), "hello");
      await loadBundle(join(dir, "not-an-archive")).then(
        () => expect.fail("should refuse"),
        (e: EnclaveError) => expect(e.reason).to.equal("BundleInvalid"),
      );
      writeFileSync(
        join(dir, "ok.polis"),
        packArchive([{ path: "app.mjs", data: Buffer.from("1") }]),
      );
      expect((await loadBundle(join(dir, "ok.polis"))).length).to.be.greaterThan(12);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
