export * from "./identity.js";
export * from "./node.js";
export * from "./pubsub.js";
export * from "./rpc.js";
export * from "./rateLimiter.js";
export * from "./peerTarget.js";
export * from "./rpcChannel.js";
