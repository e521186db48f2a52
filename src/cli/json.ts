/** JSON text with bigints as decimal strings and Buffers as base64 (the CLI's --json form). */
export function toJson(value: unknown, indent = 2): string {
  return JSON.stringify(
    value,
    (_key, v: unknown) => {
      if (typeof v === "bigint") return v.toString();
      if (v && typeof v === "object" && (v as { type?: string }).type === "Buffer") {
        return Buffer.from((v as { data: number[] }).data).toString("base64");
      }
      return v;
    },
    indent,
  );
}
