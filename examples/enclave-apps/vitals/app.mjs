// Example TEE app (one process per task): argv <in> <out>; the work is in task.mjs.
import vitals from "./task.mjs";

const [inDir, outDir] = process.argv.slice(2);
vitals(inDir, outDir);
