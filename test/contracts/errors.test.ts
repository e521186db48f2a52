import { expect } from "chai";
import { readFile, readdir } from "node:fs/promises";
import { join } from "node:path";

const ROOT = new URL("../../", import.meta.url).pathname;
/** Where the custom errors of the protocol are declared. */
const DECLARATIONS = ["contracts/interfaces", "contracts/token", "contracts/registries"];
const TESTS = "test/contracts";

async function filesUnder(dir: string, ext: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(join(ROOT, dir), { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(path, ext)));
    else if (entry.name.endsWith(ext)) out.push(path);
  }
  return out;
}

describe("Custom errors", () => {
  it("are each asserted by name in a TypeScript test", async () => {
    const declared = new Set<string>();
    for (const dir of DECLARATIONS) {
      for (const file of await filesUnder(dir, ".sol")) {
        const source = await readFile(join(ROOT, file), "utf8");
        for (const m of source.matchAll(/^\s*error\s+(\w+)\s*\(/gm)) declared.add(m[1]);
      }
    }
    expect(declared.size).to.be.at.least(60);
    let tests = "";
    for (const file of await filesUnder(TESTS, ".ts"))
      tests += await readFile(join(ROOT, file), "utf8");
    // Tests name the error as a string: revertedWithCustomError(c, "Name"), expectMatchRefused(...,
    // "Name", args) or encodeErrorResult("Name", args).
    const untested = [...declared].filter((name) => !tests.includes(`"${name}"`));
    expect(untested, "custom errors without a revert test").to.deep.equal([]);
  });
});
