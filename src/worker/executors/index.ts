export * from "./appBundles.js";
export * from "./standard.js";
export * from "./tee.js";
export * from "./outcome.js";
export * from "./beneficiaryKey.js";
export * from "./byMode.js";
