export * from "./scheduler.js";
export * from "./store.js";
export * from "./replication.js";
export * from "./assigner.js";
