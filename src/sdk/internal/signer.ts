import type { Signer } from "ethers";
import type { PolisClient } from "../client.js";
import { SignerRequiredError } from "../errors/index.js";

/**
 * The client's signer and its address.
 * @throws SignerRequiredError on a read-only client.
 */
export async function requireSigner(
  client: PolisClient,
  action: string,
): Promise<{ signer: Signer; address: string }> {
  if (!client.signer) throw new SignerRequiredError(action);
  return { signer: client.signer, address: await client.signer.getAddress() };
}
