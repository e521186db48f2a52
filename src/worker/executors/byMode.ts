import { UserError } from "../../core/errors/index.js";
import type { TaskExecutor } from "../executor.js";

/** Sends TEE assignments to the enclave executor and standard ones to the sandbox executor. */
export function executorByMode(executors: {
  tee?: TaskExecutor;
  standard: TaskExecutor;
}): TaskExecutor {
  return {
    execute(a, ctx) {
      if (a.mode === "tee") {
        if (!executors.tee)
          throw new UserError("This worker has no enclave host: it cannot run TEE tasks.");
        return executors.tee.execute(a, ctx);
      }
      return executors.standard.execute(a, ctx);
    },
  };
}
