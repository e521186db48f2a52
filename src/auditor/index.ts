export * from "./auditor.js";
export * from "./indexer.js";
export * from "./store.js";
export * from "./queries.js";
export * from "./check/integrity.js";
export * from "./verify/index.js";
