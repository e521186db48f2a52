export * from "./auth.js";
export * from "./store.js";
export * from "./routes.js";
export * from "./client.js";
