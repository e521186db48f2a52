// Worker-thread entry of the signature verifier pool: registers tsx (the sources are TypeScript)
// and starts the worker's main module.
import { register } from "tsx/esm/api";

register();
await import("./verifyWorkerMain.ts");
