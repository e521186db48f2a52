import { expect } from "chai";
import type { SessionRequest } from "../../../src/core/sms.js";
import { http, type SmsHarness } from "./harness.js";

/** Values that must never appear in a response to a denied request, nor in any log line. */
export interface Secrets {
  values: string[];
}

/**
 * Sends a session request and asserts it is refused with `reason`: the status, no sealed secrets
 * and no statement in the body, a matching "denied" audit row, no secret value in the logs.
 */
export async function expectDenied(
  h: SmsHarness,
  request: unknown,
  reason: string,
  secrets: string[] = [],
  status = 403,
): Promise<void> {
  const before = h.store.audit.count();
  const res = await http("POST", `${h.url}/v1/sessions`, request);
  expect(res.status, JSON.stringify(res.body)).to.equal(status);
  expect(res.body.error.reason).to.equal(reason);
  expect(res.body).to.not.have.property("secrets");
  expect(res.body).to.not.have.property("attestation");
  expect(h.store.audit.count()).to.equal(before + 1);
  const row = h.store.db
    .prepare("SELECT outcome, reason FROM audit ORDER BY seq DESC LIMIT 1")
    .get() as {
    outcome: string;
    reason: string;
  };
  expect(row).to.deep.equal({ outcome: "denied", reason });
  expectNoLeak(h, secrets);
}

/** No secret value (raw, base64 or hex) in the SMS logs or its audit table. */
export function expectNoLeak(h: SmsHarness, secrets: string[]): void {
  const audit = JSON.stringify(h.store.db.prepare("SELECT * FROM audit").all());
  for (const s of secrets) {
    const forms = [s, Buffer.from(s, "base64").toString("hex")].filter((x) => x.length >= 8);
    for (const form of forms) {
      expect(h.logs.join("\n")).to.not.include(form);
      expect(audit).to.not.include(form);
    }
  }
}

export async function postSession(h: SmsHarness, request: SessionRequest) {
  return http("POST", `${h.url}/v1/sessions`, request);
}
