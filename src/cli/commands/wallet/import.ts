import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import { UserError } from "../../../core/errors/index.js";
import { importWallet } from "../../../sdk/actions/wallet/importWallet.js";
import { examples, handler } from "../../command.js";
import type { CliIo } from "../../io.js";
import { scryptCost } from "../../scrypt.js";

/** Registers `polis wallet import` on its parent command. */
export function registerWalletImport(group: Command, io: CliIo): void {
  const cmd = group
    .command("import")
    .description("import a private key or mnemonic into an encrypted keystore")
    .option("--key-file <file>", "file holding the private key (hex) or mnemonic; default: stdin")
    .option("--force", "replace an existing keystore")
    .action(
      handler(io, async (ctx, opts: { keyFile?: string; force?: boolean }) => {
        const secret = opts.keyFile ? await readSecret(opts.keyFile) : await readStdin(io);
        const path = (await ctx.settings()).wallet;
        const password = await ctx.newPassword();
        const made = await importWallet({
          secret,
          path,
          password,
          scryptN: scryptCost(io),
          overwrite: opts.force,
        });
        ctx.out.result(made, () => [`Imported wallet ${made.address}`, `Keystore: ${made.path}`]);
      }),
    );
  examples(cmd, [
    "polis wallet import --key-file ./key.txt",
    "cat key.txt | POLIS_PASSWORD=... polis wallet import --wallet ./pool-owner.json",
  ]);
}

async function readSecret(path: string): Promise<string> {
  try {
    return (await readFile(path, "utf8")).trim();
  } catch {
    throw new UserError(`Cannot read ${path}.`);
  }
}

async function readStdin(io: CliIo): Promise<string> {
  if (io.stdin.isTTY) {
    throw new UserError("No key given.", {
      hint: "Pass --key-file <file> or pipe the key on stdin (never as an argument).",
    });
  }
  const chunks: Buffer[] = [];
  for await (const chunk of io.stdin as AsyncIterable<Buffer | string>) {
    chunks.push(Buffer.from(chunk));
  }
  const text = Buffer.concat(chunks).toString("utf8").trim();
  if (!text) throw new UserError("No key on stdin.");
  return text;
}
