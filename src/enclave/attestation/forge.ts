import { createRequire } from "node:module";
import type forgeModule from "node-forge";

let loaded: typeof forgeModule | undefined;

/**
 * node-forge, loaded on first use: it is large (pure-JS crypto) and only needed to issue
 * certificates and to cross-check a chain the first time it is seen, not on every start.
 */
export function forge(): typeof forgeModule {
  loaded ??= createRequire(import.meta.url)("node-forge") as typeof forgeModule;
  return loaded;
}
