export * from "./market.js";
export * from "./errors.js";
export * from "./types.js";
export { openMarketStore } from "./store.js";
export type { MarketStore } from "./store.js";
export { createOrderHasher } from "./orderHasher.js";
export { createSignatureVerifier } from "./signatureVerifier.js";
export { entryToJson } from "./http.js";
export type { BestMatchJson, MatchEstimateJson } from "./bestMatch.js";
