export * from "./errors.js";
export * from "./abi.js";
export * from "./decode.js";
export * from "./messages.js";
export * from "./normalize.js";
