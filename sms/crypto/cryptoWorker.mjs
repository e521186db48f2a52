// Worker-thread entry of the SMS crypto pool: registers tsx (the sources are TypeScript), then
// loads the worker.
import { register } from "tsx/esm/api";

register();
await import("./cryptoWorker.ts");
