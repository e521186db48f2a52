import type { Command } from "commander";
import { OrderKind } from "../../../core/index.js";
import type { CliIo } from "../../io.js";
import { registerPublish } from "../shared/publish.js";
import { registerUnpublish } from "../shared/unpublish.js";
import { registerDatasetDecrypt } from "./decrypt.js";
import { registerDatasetDeploy } from "./deploy.js";
import { registerDatasetEncrypt } from "./encrypt.js";
import { registerDatasetGrant } from "./grant.js";
import { registerDatasetPushSecret } from "./pushSecret.js";
import { registerDatasetRequireGrants } from "./requireGrants.js";
import { registerDatasetRevoke } from "./revoke.js";
import { registerDatasetShow } from "./show.js";

/** Registers the `polis dataset` command group and its subcommands. */
export function registerDataset(program: Command, io: CliIo): void {
  const group = program
    .command("dataset")
    .description("encrypt, register, share (key, grants) and sell datasets");
  registerDatasetEncrypt(group, io);
  registerDatasetDecrypt(group, io);
  registerDatasetDeploy(group, io);
  registerDatasetPushSecret(group, io);
  registerDatasetGrant(group, io);
  registerDatasetRevoke(group, io);
  registerDatasetRequireGrants(group, io);
  registerPublish(group, io, OrderKind.Dataset, [
    "polis dataset publish 0xDataset --price 2 --volume 100 --tag tee --app-restrict 0xApp",
  ]);
  registerUnpublish(group, io, OrderKind.Dataset, ["polis dataset unpublish 0xDataset --all"]);
  registerDatasetShow(group, io);
}
