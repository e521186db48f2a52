export * from "./types.js";
export * from "./verifyTaskEvidence.js";
export { checkDealOrders } from "./orderEvidence.js";
