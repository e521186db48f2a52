// Writes far more than the output limit.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
const outDir = process.argv[3];
for (let i = 0; ; i++) writeFileSync(join(outDir, `chunk-${i}.bin`), Buffer.alloc(1 << 20, i));
