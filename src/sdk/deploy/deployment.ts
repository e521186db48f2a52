import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { UserError } from "../../core/errors/index.js";

/** Addresses of one Polis deployment, as written to deployments/<chainId>.json. */
export interface Deployment {
  chainId: string;
  hub: string;
  taskManager: string;
  token: string;
  appRegistry: string;
  datasetRegistry: string;
  workerpoolRegistry: string;
  /** Block of the hub deployment: indexers start here. */
  startBlock: number;
  deployedAt: string;
}

export const DEFAULT_DEPLOYMENTS_DIR = "deployments";

export function deploymentPath(chainId: bigint | string, dir = DEFAULT_DEPLOYMENTS_DIR): string {
  return join(dir, `${chainId}.json`);
}

/** Writes the deployment atomically (temp file + rename). */
export async function saveDeployment(
  deployment: Deployment,
  dir = DEFAULT_DEPLOYMENTS_DIR,
): Promise<string> {
  await mkdir(dir, { recursive: true });
  const path = deploymentPath(deployment.chainId, dir);
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(deployment, null, 2) + "\n");
  await rename(tmp, path);
  return path;
}

/**
 * Reads deployments/<chainId>.json.
 * @throws UserError when the file is missing or malformed.
 */
export async function loadDeployment(
  chainId: bigint | string,
  dir = DEFAULT_DEPLOYMENTS_DIR,
): Promise<Deployment> {
  const path = deploymentPath(chainId, dir);
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch {
    throw new UserError(`No Polis deployment for chain ${chainId} (${path} not found).`, {
      hint: "Deploy with `npm run deploy`, or point --deployments <dir> to the folder holding it.",
    });
  }
  try {
    return JSON.parse(text) as Deployment;
  } catch (cause) {
    throw new UserError(`${path} is not valid JSON.`, { cause });
  }
}
