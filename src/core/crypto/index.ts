export * from "./bytes.js";
export * from "./datasetFile.js";
export * from "./x25519.js";
export * from "./archive.js";
