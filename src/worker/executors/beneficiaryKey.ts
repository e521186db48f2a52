/**
 * Reads a beneficiary's public result key from the SMS (`GET /v1/secrets/beneficiary-key/<addr>`);
 * undefined when it has none or the SMS cannot be reached (the result is then stored in clear,
 * which only standard tasks allow).
 */
export function beneficiaryKeyFromSms(
  smsUrl: string,
): (beneficiary: string) => Promise<Buffer | undefined> {
  return async (beneficiary) => {
    try {
      const res = await fetch(`${smsUrl}/v1/secrets/beneficiary-key/${beneficiary}`, {
        signal: AbortSignal.timeout(10_000),
      });
      if (!res.ok) return undefined;
      const body = (await res.json()) as { publicKey?: string };
      return body.publicKey ? Buffer.from(body.publicKey, "base64") : undefined;
    } catch {
      return undefined;
    }
  };
}
