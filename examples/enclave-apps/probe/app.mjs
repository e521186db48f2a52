// Isolation probe, run as a per-task process: argv <in> <out> <other task's file> <worker key file> <port>.
import probe from "./probe.mjs";

const [inDir, outDir, ...args] = process.argv.slice(2);
await probe(inDir, outDir, args);
