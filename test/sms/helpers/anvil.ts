export { ANVIL_KEYS, freePort, startAnvil, type AnvilChain } from "../../../scripts/lib/anvil.js";
