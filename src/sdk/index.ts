/**
 * The Polis SDK: a client over any EVM JSON-RPC chain, one action per file (viem style), typed
 * errors, and clients of the market and SMS services.
 */
export * from "./client.js";
export * from "./connect.js";
export * from "./deploy/deployPolis.js";
export * from "./deploy/deployment.js";
export * from "./deploy/categories.js";
export * from "./deploy/checkDeployment.js";
export * from "./errors/index.js";
export * from "./http.js";
export { parseAmount, formatAmount, POLIS_DECIMALS } from "./internal/amounts.js";
export type { TransactionInfo } from "./internal/send.js";

export * from "./actions/wallet/createWallet.js";
export * from "./actions/wallet/importWallet.js";
export * from "./actions/wallet/loadWallet.js";
export { DEFAULT_SCRYPT_N } from "./actions/wallet/keystore.js";

export * from "./actions/account/requestFaucet.js";
export * from "./actions/account/deposit.js";
export * from "./actions/account/withdraw.js";
export * from "./actions/account/getAccount.js";

export * from "./actions/assets/createApp.js";
export * from "./actions/assets/predictApp.js";
export * from "./actions/assets/getApp.js";
export * from "./actions/assets/createDataset.js";
export * from "./actions/assets/predictDataset.js";
export * from "./actions/assets/getDataset.js";
export * from "./actions/assets/createWorkerpool.js";
export * from "./actions/assets/predictWorkerpool.js";
export * from "./actions/assets/getWorkerpool.js";

export * from "./actions/orders/defaults.js";
export * from "./actions/orders/buildAppOrder.js";
export * from "./actions/orders/buildDatasetOrder.js";
export * from "./actions/orders/buildWorkerpoolOrder.js";
export * from "./actions/orders/buildRequestOrder.js";
export * from "./actions/orders/signOrder.js";
export * from "./actions/orders/presignOrder.js";
export * from "./actions/orders/cancelOrder.js";
export * from "./actions/orders/hashOrder.js";
export * from "./actions/orders/getOrderStatus.js";
export * from "./actions/orders/orderOwner.js";

export * from "./actions/matching/types.js";
export * from "./actions/matching/estimateMatch.js";
export * from "./actions/matching/matchOrders.js";
export * from "./actions/matching/sponsorMatchOrders.js";

export * from "./actions/deals/getDeal.js";
export * from "./actions/deals/getDealTasks.js";
export * from "./actions/deals/watchDeal.js";

export * from "./actions/tasks/status.js";
export * from "./actions/tasks/getTask.js";
export * from "./actions/tasks/claimTask.js";
export * from "./actions/tasks/claimTasks.js";

export * from "./actions/grants/requireGrants.js";
export * from "./actions/grants/grantDatasetUse.js";
export * from "./actions/grants/revokeDatasetGrant.js";
export * from "./actions/grants/getGrant.js";

export * from "./actions/datasets/encryptDatasetFile.js";
export * from "./actions/datasets/decryptDatasetFile.js";
export * from "./actions/datasets/inspectDatasetFile.js";

export * from "./actions/results/generateResultKey.js";
export * from "./actions/results/downloadResult.js";
export * from "./actions/results/decryptResult.js";
export * from "./actions/results/writeResultFiles.js";
export * from "./actions/results/getReceipt.js";

export * from "./actions/verify/types.js";
export * from "./actions/verify/verifyTask.js";
export * from "./actions/verify/steps/certificateChainStep.js";

export * from "./market/types.js";
export * from "./market/client.js";
export * from "./sms/client.js";
