import { createP2PNode, handleRpc, type P2PNode } from "../../src/p2p/index.js";

/** Started p2p nodes of a test, each allowing only the given wallets; `stopAll` after each test. */
export function testNodes() {
  const nodes: P2PNode[] = [];
  return {
    async node(wallet: { privateKey: string }, allowed: string[]): Promise<P2PNode> {
      const n = await createP2PNode({
        walletPrivateKey: wallet.privateKey,
        isAllowed: (address) => allowed.includes(address),
      });
      await n.start();
      nodes.push(n);
      return n;
    },
    async stopAll(): Promise<void> {
      await Promise.all(nodes.splice(0).map((n) => n.stop()));
    },
  };
}

/**
 * Serves `protocol` on `server` with an echo handler (`{ echo, delayMs?, fail? }` → `{ echo, from }`)
 * that records what it served and what was refused. Frames up to 1 KiB, `burst` requests then 1/s.
 */
export async function serveEcho(server: P2PNode, protocol: string, burst: number) {
  const served: string[] = [];
  const refused: string[] = [];
  await handleRpc(
    server,
    protocol,
    async (request, ctx) => {
      const r = request as { fail?: boolean; echo?: string; delayMs?: number };
      served.push(String(r.echo));
      if (r.delayMs) await new Promise((done) => setTimeout(done, r.delayMs));
      if (r.fail) throw new Error("handler said no");
      return { echo: r.echo, from: ctx.address };
    },
    { maxMessageBytes: 1024, burst, perSecond: 1, onRefused: (reason) => refused.push(reason) },
  );
  return { served, refused };
}
