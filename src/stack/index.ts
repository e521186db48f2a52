/**
 * The local stack: the whole marketplace on one machine, each service its own process (chain,
 * SMS, market, auditor/explorer, a worker pool). Used by `npm run demo` and `polis up`/`down`.
 */
export * from "./authority.js";
export * from "./chain.js";
export * from "./funding.js";
export * from "./pool.js";
export * from "./ports.js";
export * from "./processes.js";
export * from "./services.js";
export * from "./stack.js";
export * from "./state.js";
