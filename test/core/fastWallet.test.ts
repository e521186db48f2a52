import { expect } from "chai";
import { Transaction, Wallet } from "ethers";
import { fastWallet } from "../../src/core/crypto/fastWallet.js";
import { WORKER_AUTHORIZATION_TYPES } from "../../src/core/results.js";
import { taskDomain } from "../../src/core/domain.js";

describe("fastWallet (libsecp256k1 signing)", () => {
  const reference = Wallet.createRandom();
  const fast = fastWallet(reference.privateKey);

  it("has the same address and signs messages, typed data and transactions byte for byte as ethers", async () => {
    expect(fast.address).to.equal(reference.address);
    for (const message of ["hello", new Uint8Array(32).fill(7), ""])
      expect(await fast.signMessage(message)).to.equal(await reference.signMessage(message));
    const domain = taskDomain(31337n, "0x" + "11".repeat(20));
    const value = {
      worker: "0x" + "22".repeat(20),
      taskId: "0x" + "33".repeat(32),
      enclave: "0x" + "44".repeat(20),
    };
    expect(await fast.signTypedData(domain, WORKER_AUTHORIZATION_TYPES, value)).to.equal(
      await reference.signTypedData(domain, WORKER_AUTHORIZATION_TYPES, value),
    );
    const tx = {
      type: 2,
      chainId: 31337n,
      nonce: 5,
      to: "0x" + "55".repeat(20),
      data: "0x1234",
      gasLimit: 100_000n,
      maxFeePerGas: 2_000_000_000n,
      maxPriorityFeePerGas: 1_000_000_000n,
    };
    const signed = await fast.signTransaction(tx);
    expect(signed).to.equal(await reference.signTransaction(tx));
    expect(Transaction.from(signed).from).to.equal(reference.address);
  });

  it("keeps its signing key when connected to a provider", async () => {
    const connected = fast.connect(null);
    expect(connected.signingKey).to.equal(fast.signingKey);
    expect(await connected.signMessage("x")).to.equal(await reference.signMessage("x"));
  });

  it("refuses a digest that is not 32 bytes", () => {
    expect(() => fast.signingKey.sign("0x1234")).to.throw();
  });
});
