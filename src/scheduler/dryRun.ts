import type { Interface, Provider } from "ethers";
import { ServiceError, UserError } from "../core/errors/index.js";
import type { Deal } from "../core/index.js";
import type { TaskManager } from "../../types/index.js";
import { decodeRevertData, findRevertData } from "../sdk/errors/index.js";
import type { FastResultArgs } from "./fastResult.js";
import { PushCalldata } from "./pushCalldata.js";

/** Checks a fast-path result against the chain; throws a UserError naming the revert. */
export type ResultDryRun = (dealId: string, deal: Deal, result: FastResultArgs) => Promise<void>;

/**
 * `pushResult` as an `eth_call` from the scheduler, so a result the chain would refuse never joins
 * (and reverts) a batch. The calldata is built with the deal's words cached and sent as one plain
 * call: the contract wrapper's per-call work (fragment lookup, argument address resolution,
 * populate, result decoding) was a quarter of the scheduler's CPU per task.
 * A revert throws a UserError with the decoded custom error; a node that does not answer throws
 * a ServiceError (the result is then not judged: the batch's own estimate still is).
 */
export function createResultDryRun(
  taskManager: TaskManager,
  provider: Provider,
  scheduler: string,
): ResultDryRun {
  const calldata = new PushCalldata(taskManager.interface as unknown as Interface);
  const to = String(taskManager.target);
  return async (dealId, deal, result) => {
    const data = calldata.pushResult(dealId, deal, result);
    try {
      await provider.call({ from: scheduler, to, data });
    } catch (err) {
      const revert = findRevertData(err);
      const code = (err as { code?: string }).code;
      if (!revert && code !== "CALL_EXCEPTION")
        throw new ServiceError("The chain did not answer the result's dry run.", { cause: err });
      const decoded = revert ? decodeRevertData(revert, { sender: scheduler }) : undefined;
      throw new UserError(
        `The chain would reject this result: ${decoded?.shortMessage ?? firstLine(err)}`,
      );
    }
  };
}

function firstLine(err: unknown): string {
  return String((err as Error)?.message ?? err).split("\n")[0];
}
