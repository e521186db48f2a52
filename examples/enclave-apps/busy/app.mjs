// Computes for about `cpu` ms while holding `mb` MiB, then writes what it did (accounting check).
// argv: <in> <out> <cpu ms> <MiB>
import { writeFileSync } from "node:fs";
import { join } from "node:path";

const [, outDir, cpu = "300", mb = "64"] = process.argv.slice(2);
const hold = Buffer.alloc(Number(mb) * 1024 * 1024, 7);
const end = performance.now() + Number(cpu);
let x = 0;
while (performance.now() < end) for (let i = 0; i < 10_000; i++) x += Math.sqrt(x + i);
writeFileSync(join(outDir, "done.txt"), `${x > 0} ${hold.length}`);
