export * from "./orders.js";
export * from "./domain.js";
export * from "./tags.js";
export * from "./deal.js";
export * from "./results.js";
export * from "./signing.js";
export * from "./canonical.js";
export * from "./errors/index.js";
