export * from "./base.js";
export * from "./contract.js";
export * from "./http.js";
