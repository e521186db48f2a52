export * from "./worker.js";
export * from "./executor.js";
export * from "./store.js";
