import { expect } from "chai";
import { createTokenBuckets } from "../../src/core/tokenBuckets.js";

describe("core/tokenBuckets", () => {
  it("gives each key a full bucket, drains it per take and refills it with time", () => {
    let now = 1_000_000;
    const buckets = createTokenBuckets({ capacity: 2, refillPerSecond: 4 }, () => now);
    try {
      expect(buckets.wait("a")).to.equal(0);
      buckets.take("a");
      buckets.take("a");
      expect(buckets.wait("a")).to.equal(0.25);
      expect(buckets.wait("b"), "keys are independent").to.equal(0);
      buckets.take("a"); // an empty bucket stays at zero
      expect(buckets.wait("a")).to.equal(0.25);
      now += 125;
      expect(buckets.wait("a")).to.equal(0.125);
      now += 125;
      expect(buckets.wait("a")).to.equal(0);
      now += 60_000; // refills up to its capacity, no further
      buckets.take("a");
      buckets.take("a");
      expect(buckets.wait("a")).to.equal(0.25);
    } finally {
      buckets.stop();
    }
  });
});
