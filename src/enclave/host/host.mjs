// Entry of the enclave host process: registers tsx (the sources are TypeScript), then runs
// hostMain.ts. Started by createEnclaveHost() with an IPC channel.
import { register } from "tsx/esm/api";

register();
await import("./hostMain.ts");
