import type { Signer, TypedDataDomain } from "ethers";
import { CANCEL_ORDER_TYPES, ORDER_TYPES, signedFields } from "./orders.js";
import type { OrderByKind, OrderKind } from "./orders.js";
import {
  ATTESTATION_STATEMENT_TYPES,
  ENCLAVE_RESULT_TYPES,
  WORKER_AUTHORIZATION_TYPES,
} from "./results.js";
import type { AttestationStatement, EnclaveResult, WorkerAuthorization } from "./results.js";

/** Anything that can sign EIP-712 typed data (an ethers Signer, Wallet, or HD wallet). */
export type TypedDataSigner = Pick<Signer, "signTypedData">;

/**
 * Signs an order with the owner's key and returns it with `signature` set.
 * @example const signed = await signOrder(owner, hubDomain(chainId, hub), OrderKind.App, order);
 */
export async function signOrder<K extends OrderKind>(
  signer: TypedDataSigner,
  domain: TypedDataDomain,
  kind: K,
  order: OrderByKind[K],
): Promise<OrderByKind[K]> {
  const signature = await signer.signTypedData(
    domain,
    ORDER_TYPES[kind],
    signedFields(kind, order),
  );
  return { ...order, signature };
}

/** The owner's signature over CancelOrder(orderHash), relayable by anyone. */
export function signCancel(
  signer: TypedDataSigner,
  domain: TypedDataDomain,
  orderHashValue: string,
): Promise<string> {
  return signer.signTypedData(domain, CANCEL_ORDER_TYPES, { orderHash: orderHashValue });
}

/** The scheduler's authorization of (worker, task, enclave), under the task manager domain. */
export function signWorkerAuthorization(
  scheduler: TypedDataSigner,
  taskDomainValue: TypedDataDomain,
  value: WorkerAuthorization,
): Promise<string> {
  return scheduler.signTypedData(taskDomainValue, WORKER_AUTHORIZATION_TYPES, { ...value });
}

/** The enclave key's signature over its result, under the task manager domain. */
export function signEnclaveResult(
  enclave: TypedDataSigner,
  taskDomainValue: TypedDataDomain,
  value: EnclaveResult,
): Promise<string> {
  return enclave.signTypedData(taskDomainValue, ENCLAVE_RESULT_TYPES, { ...value });
}

/** An attestation verifier's (the SMS's) statement, under the task manager domain. */
export function signAttestationStatement(
  verifier: TypedDataSigner,
  taskDomainValue: TypedDataDomain,
  value: AttestationStatement,
): Promise<string> {
  return verifier.signTypedData(taskDomainValue, ATTESTATION_STATEMENT_TYPES, { ...value });
}
