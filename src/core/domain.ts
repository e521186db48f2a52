import type { TypedDataDomain } from "ethers";

/** EIP-712 domain of the hub, under which orders and cancels are signed. */
export function hubDomain(chainId: bigint | number, hub: string): TypedDataDomain {
  return { name: "Polis", version: "1", chainId, verifyingContract: hub };
}

/**
 * EIP-712 domain of the task manager, under which worker authorizations, enclave results and
 * attestation statements are signed.
 */
export function taskDomain(chainId: bigint | number, taskManager: string): TypedDataDomain {
  return { name: "Polis Tasks", version: "1", chainId, verifyingContract: taskManager };
}
