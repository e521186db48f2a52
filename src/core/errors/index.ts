export * from "./base.js";
export * from "./contract.js";
