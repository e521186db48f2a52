import { AbiCoder, type FunctionFragment, type Interface } from "ethers";
import { DEAL_FIELDS, type Deal } from "../core/index.js";
import type { FastResultArgs } from "./fastResult.js";

const WORD = 64; // hex characters per ABI word
const CACHED_DEALS = 256;

/**
 * Calldata of `pushResult` and `pushResults`, byte for byte what ethers' encoder makes, with each
 * deal's words encoded once. The Deal struct is static (27 words, 12 of them addresses whose
 * checksum costs a keccak each), so it sits inline in the head and only the results are encoded
 * per call: one result's calldata costs a fifth of a full encode.
 */
export class PushCalldata {
  readonly #coder = AbiCoder.defaultAbiCoder();
  readonly #one: FunctionFragment;
  readonly #many: FunctionFragment;
  readonly #deals = new Map<string, string>();

  constructor(iface: Interface) {
    this.#one = iface.getFunction("pushResult")!;
    this.#many = iface.getFunction("pushResults")!;
  }

  /** `pushResult(dealId, deal, result, authorization)`. */
  pushResult(dealId: string, deal: Deal, result: FastResultArgs, authorization = "0x"): string {
    const [, , resultType] = this.#one.inputs;
    const encodedResult = this.#tail(resultType, result);
    const encodedAuthorization = this.#tail("bytes", authorization);
    const head = this.#dealHead(dealId, deal);
    const headBytes = head.length / 2 + 64; // plus the two offsets
    return (
      this.#one.selector +
      head +
      word(headBytes) +
      word(headBytes + encodedResult.length / 2) +
      encodedResult +
      encodedAuthorization
    );
  }

  /** `pushResults(dealId, deal, results)`. */
  pushResults(dealId: string, deal: Deal, results: FastResultArgs[]): string {
    const [, , arrayType] = this.#many.inputs;
    const head = this.#dealHead(dealId, deal);
    return this.#many.selector + head + word(head.length / 2 + 32) + this.#tail(arrayType, results);
  }

  /** The dealId and deal words, without 0x (cached by content: an altered deal is not mixed up). */
  #dealHead(dealId: string, deal: Deal): string {
    const key = dealId + DEAL_FIELDS.map(([name]) => `,${deal[name]}`).join("");
    let head = this.#deals.get(key);
    if (head === undefined) {
      const [idType, dealType] = this.#one.inputs;
      head = this.#coder.encode([idType, dealType], [dealId, deal]).slice(2);
      if (head.length !== 28 * WORD) throw new Error("the Deal struct is no longer static");
      if (this.#deals.size >= CACHED_DEALS) this.#deals.delete(this.#deals.keys().next().value!);
      this.#deals.set(key, head);
    }
    return head;
  }

  /** A dynamic value's encoding after its offset word, without 0x. */
  #tail(type: Parameters<AbiCoder["encode"]>[0][number], value: unknown): string {
    return this.#coder.encode([type], [value]).slice(2 + WORD);
  }
}

function word(n: number): string {
  return n.toString(16).padStart(WORD, "0");
}
