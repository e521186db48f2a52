/** Task statuses, in the order of the Solidity `TaskStatus` enum. */
export const TASK_STATUSES = ["unset", "active", "revealing", "completed", "failed"] as const;
export type TaskStatusName = (typeof TASK_STATUSES)[number];

export function taskStatusName(status: bigint | number): TaskStatusName {
  return TASK_STATUSES[Number(status)] ?? "unset";
}

/** Completed or failed: nothing will change any more. */
export function isFinal(status: TaskStatusName): boolean {
  return status === "completed" || status === "failed";
}
