// A second app on the hospital's data set: it would copy every raw row to its output. The
// hospital granted it nothing, so the SMS never releases the data set key to its enclave and
// this code never sees a row.
import { copyFileSync } from "node:fs";
import { join } from "node:path";

const [inDir, outDir] = process.argv.slice(2);
copyFileSync(join(inDir, "dataset"), join(outDir, "export.csv"));
