import { readFile, stat, writeFile } from "node:fs/promises";
import type { Command } from "commander";
import { ZeroHash } from "ethers";
import { sha256Hex, unpackArchive } from "../../../core/crypto/index.js";
import { UserError } from "../../../core/errors/index.js";
import {
  BUNDLE_CONFIG_FILE,
  enclaveConfigHash,
  loadBundle,
  measureApp,
  validateEnclaveConfig,
  type EnclaveConfig,
} from "../../../core/measurement.js";
import { createApp } from "../../../sdk/actions/assets/createApp.js";
import { examples, handler } from "../../command.js";
import type { CliIo } from "../../io.js";
import { keyValues } from "../../output.js";
import { parse } from "../../parse.js";

interface AppDeployFlags {
  name: string;
  uri: string;
  checksum?: string;
  bundle?: string;
  mrenclave?: string;
  enclaveConfig?: string;
  enclaveConfigHash?: string;
  tee?: boolean;
}

/** Registers `polis app deploy` on its parent command. */
export function registerAppDeploy(group: Command, io: CliIo): void {
  const cmd = group
    .command("deploy")
    .description("register an app (checksum and enclave measurement computed from the bundle)")
    .requiredOption("--name <name>", "app name")
    .requiredOption("--uri <uri>", "where workers download the bundle")
    .option(
      "--bundle <path>",
      "the app folder (packed into <folder>.polis, the file to publish at --uri) or a .polis archive",
    )
    .option("--checksum <0x..>", "sha256 of the bundle, when not passing --bundle")
    .option("--tee", "a TEE app: measure the bundle with the enclave.json it carries (mrenclave)")
    .option(
      "--enclave-config <file>",
      "implies --tee; must equal the bundle's enclave.json (what workers measure)",
    )
    .option("--mrenclave <0x..>", "enclave measurement, when not computed")
    .option("--enclave-config-hash <0x..>", "sha256 of the canonical enclave config")
    .action(
      handler(io, async (ctx, opts: AppDeployFlags) => {
        const bundle = opts.bundle ? await readBundle(opts.bundle) : undefined;
        const checksum = bundle
          ? sha256Hex(bundle)
          : opts.checksum
            ? parse.bytes32(opts.checksum, "--checksum")
            : undefined;
        if (!checksum) {
          throw new UserError("An app needs a checksum.", {
            hint: "Pass --bundle <file> or --checksum <0x..>.",
          });
        }
        let mrenclave = opts.mrenclave ? parse.bytes32(opts.mrenclave, "--mrenclave") : ZeroHash;
        let configHash = opts.enclaveConfigHash
          ? parse.bytes32(opts.enclaveConfigHash, "--enclave-config-hash")
          : ZeroHash;
        if (opts.tee || opts.enclaveConfig) {
          if (!bundle)
            throw new UserError("--tee needs --bundle to compute the measurement.", {
              hint: "Pass the app folder (with its enclave.json) or its .polis archive.",
            });
          const config = bundleEnclaveConfig(bundle);
          if (
            opts.enclaveConfig &&
            enclaveConfigHash(await readEnclaveConfig(opts.enclaveConfig)) !==
              enclaveConfigHash(config)
          )
            throw new UserError(
              `${opts.enclaveConfig} differs from the bundle's ${BUNDLE_CONFIG_FILE}: workers measure the bundle's.`,
              {
                hint: `Drop --enclave-config, or copy it to the app folder as ${BUNDLE_CONFIG_FILE}.`,
              },
            );
          mrenclave = measureApp(bundle, config);
          configHash = enclaveConfigHash(config);
        }
        const client = await ctx.signerClient();
        const result = await createApp(client, {
          name: opts.name,
          uri: opts.uri,
          checksum,
          mrenclave,
          enclaveConfigHash: configHash,
        });
        ctx.out.result({ ...result, checksum, mrenclave, enclaveConfigHash: configHash }, () => [
          `Deployed app ${result.app}`,
          ...keyValues([
            ["owner", result.owner],
            ["checksum", checksum],
            ["mrenclave", mrenclave === ZeroHash ? "none (not a TEE app)" : mrenclave],
            ["tx", result.txHash],
          ]),
          `Next: \`polis app publish ${result.app} --price <polis>\` to sell it.`,
        ]);
      }),
    );
  examples(cmd, [
    "polis app deploy --name anomaly --uri https://apps.example/anomaly.polis --bundle ./anomaly",
    "polis app deploy --name anomaly --uri https://apps.example/anomaly.polis --bundle ./anomaly --tee",
  ]);
}

/**
 * The bundle bytes workers will download and measure: a folder is packed into the deterministic
 * Polis archive (written next to it for publishing), an archive file is taken as is.
 */
async function readBundle(path: string): Promise<Buffer> {
  const bytes = await loadBundle(path);
  if ((await stat(path)).isDirectory()) {
    const archive = `${path.replace(/\/+$/, "")}.polis`;
    await writeFile(archive, bytes);
  }
  return bytes;
}

/** The enclave config a bundle carries (`enclave.json`, covered by the measurement). */
function bundleEnclaveConfig(bundle: Uint8Array): EnclaveConfig {
  const entry = unpackArchive(bundle).find((e) => e.path === BUNDLE_CONFIG_FILE);
  if (!entry)
    throw new UserError(`The bundle has no ${BUNDLE_CONFIG_FILE}: a TEE app needs one.`, {
      hint: `Add ${BUNDLE_CONFIG_FILE} to the app folder: {"entrypoint", "runtime": "node"|"wasi", "limits": {"cpuMs", "memoryMb", "outputBytes", "wallMs"}, "debug": false} (optionally "reuse": "deal" for a warm sandbox per deal).`,
    });
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(entry.data).toString("utf8"));
  } catch {
    throw new UserError(`The bundle's ${BUNDLE_CONFIG_FILE} is not valid JSON.`);
  }
  return validateEnclaveConfig(value);
}

async function readEnclaveConfig(path: string): Promise<EnclaveConfig> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch {
    throw new UserError(`Cannot read ${path}.`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new UserError(`${path} is not valid JSON.`);
  }
  return validateEnclaveConfig(value);
}
