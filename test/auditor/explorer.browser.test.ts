import { expect } from "chai";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import type { BrowserContext, Page } from "playwright-core";
import { createAuditor } from "../../src/auditor/index.js";
import type { Auditor } from "../../src/auditor/index.js";
import { deployFixture, networkHelpers } from "../helpers/fixture.js";
import { clientOf, silentLogger } from "../market/helpers.js";
import { buildHistory } from "./history.js";
import type { History } from "./history.js";

const CHROMIUM = "/usr/bin/chromium";
const ARTIFACTS = "test-artifacts";

describe("explorer (real browser)", function () {
  let auditor: Auditor;
  let history: History;
  let context: BrowserContext;
  let page: Page;
  let profile: string;

  before(async function () {
    if (!existsSync(CHROMIUM)) {
      console.warn(`    skipped: ${CHROMIUM} is missing (apt-get install -y chromium)`);
      this.skip();
    }
    const f = await networkHelpers.loadFixture(deployFixture);
    history = await buildHistory(f);
    auditor = createAuditor(
      { client: await clientOf(f), logger: silentLogger },
      { port: 0, confirmations: 0, watch: false, defaultMetrics: false },
    );
    await auditor.start();
    await auditor.indexer.syncOnce();
    profile = mkdtempSync(join(tmpdir(), "polis-chromium-"));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
      viewport: { width: 1280, height: 900 },
    });
    page = context.pages()[0] ?? (await context.newPage());
    mkdirSync(ARTIFACTS, { recursive: true });
  });

  after(async () => {
    await context?.close();
    await auditor?.stop();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  it("searches a deal, opens its task, verifies it: every chain step passes", async () => {
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(auditor.url);
    await page.waitForSelector("text=Latest deals");
    await page.fill("#search", history.teeDeal.dealId);
    await page.click("#search-go");
    await page.waitForSelector("h1:text-is('Deal')");
    expect(await page.locator("[data-event=DealCreated]").count()).to.equal(1);
    expect(await page.locator("a.task-link").count()).to.equal(2);
    await page.locator("a.task-link").first().click();
    await page.waitForSelector("h1:text-is('Task')");
    expect(await page.textContent("main")).to.contain(history.teeDeal.completedTask);
    await page.click("#verify");
    await page.waitForSelector("#verify-result", { timeout: 30_000 });
    expect(await page.getAttribute("#verify-result", "data-ok")).to.equal("true");
    const steps = await page.$$eval("li.step", (els) =>
      els.map((e) => [e.getAttribute("data-step"), e.getAttribute("data-status")]),
    );
    expect(steps).to.deep.equal([
      ["task-completed", "pass"],
      ["deal", "pass"],
      ["orders", "pass"],
      ["scheduler-authorization", "pass"],
      ["enclave-signature", "pass"],
      ["attestation", "pass"],
      // This synthetic history publishes no receipts or quotes; the demo e2e checks them for real.
      ["certificate-chain", "skip"],
      ["usage-receipt", "skip"],
    ]);
    await page.screenshot({ path: join(ARTIFACTS, "explorer-task-verified.png"), fullPage: true });
    expect(errors).to.deep.equal([]);
  });

  it("shows the dataset's usage page and an asset page from a search", async () => {
    await page.goto(`${auditor.url}/#/`);
    await page.fill("#search", history.assets.dataset);
    await page.click("#search-go");
    await page.waitForSelector("h1:text-is('history-dataset')");
    await page.click("a.usage-link");
    await page.waitForSelector("h1:text-is('Dataset usage')");
    const text = (await page.textContent("main")) ?? "";
    expect(text).to.contain("history-app");
    expect(await page.locator("a.deal-link").count()).to.equal(3);
    await page.screenshot({ path: join(ARTIFACTS, "explorer-dataset-usage.png"), fullPage: true });
  });
});
