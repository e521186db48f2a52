// Polis explorer: a small hash-routed page over the auditor's query API (/v1). No framework, no
// build step; every value is inserted as text (never as HTML).

const view = document.getElementById("view");
const ZERO_ADDRESS = "0x0000000000000000000000000000000000000000";
const ZERO_HASH = "0x" + "0".repeat(64);

/** Creates an element: h("a", { href: "#/" }, "text", child). */
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") el.className = v;
    else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, String(v));
  }
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

async function api(path, options) {
  const res = await fetch(`/v1${path}`, options);
  const body = await res.json();
  if (!res.ok) throw new Error(body?.error?.message ?? `HTTP ${res.status}`);
  return body;
}

const short = (v) =>
  typeof v === "string" && v.length > 20 ? `${v.slice(0, 10)}…${v.slice(-6)}` : v;
const hashText = (v) => h("span", { class: "hash", title: v }, v);
const link = (href, text, cls) => h("a", { href, class: cls }, text);
const dealLink = (id) => link(`#/deal/${id}`, short(id), "hash deal-link");
const taskLink = (id) => link(`#/task/${id}`, short(id), "hash task-link");
const addressLink = (a) =>
  !a || a === ZERO_ADDRESS
    ? h("span", { class: "muted" }, "none")
    : link(`#/address/${a}`, short(a), "hash");
const assetLink = (a, name) =>
  !a || a === ZERO_ADDRESS
    ? h("span", { class: "muted" }, "none")
    : link(`#/asset/${a}`, name ?? short(a), "hash");
const time = (t) =>
  t ? new Date(t * 1000).toISOString().replace("T", " ").slice(0, 19) + " UTC" : "";
const units = (wei) => {
  const v = BigInt(wei ?? 0);
  const whole = v / 10n ** 18n;
  const frac = (v % 10n ** 18n).toString().padStart(18, "0").replace(/0+$/, "").slice(0, 6);
  return `${whole}${frac ? "." + frac : ""} POLIS`;
};
const badge = (text, cls = text) => h("span", { class: `badge ${cls}` }, text);

function kv(pairs) {
  return h(
    "dl",
    { class: "kv" },
    pairs.filter(Boolean).map(([k, v]) => [h("dt", {}, k), h("dd", {}, v)]),
  );
}

function table(headers, rows, empty = "Nothing yet.") {
  if (rows.length === 0) return h("p", { class: "muted" }, empty);
  return h(
    "table",
    {},
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        headers.map((x) => h("th", {}, x)),
      ),
    ),
    h(
      "tbody",
      {},
      rows.map((r) =>
        h(
          "tr",
          {},
          r.map((c) => h("td", {}, c)),
        ),
      ),
    ),
  );
}

function describeArgs(args) {
  return Object.entries(args)
    .filter(([k, v]) => k !== "deal" && v !== ZERO_ADDRESS && v !== ZERO_HASH && v !== "0x")
    .map(([k, v]) => `${k}: ${typeof v === "object" ? JSON.stringify(v) : short(String(v))}`)
    .join(" · ");
}

function timeline(events) {
  if (events.length === 0) return h("p", { class: "muted" }, "No events.");
  return h(
    "ol",
    { class: "timeline" },
    events.map((e) =>
      h(
        "li",
        { "data-event": e.name },
        h("span", { class: "name" }, e.name),
        " ",
        h(
          "span",
          { class: "muted" },
          `block ${e.block}${e.timestamp ? " · " + time(e.timestamp) : ""} · ${e.contract}`,
        ),
        h("div", { class: "args" }, describeArgs(e.args)),
      ),
    ),
  );
}

function page(title, subtitle, ...content) {
  view.replaceChildren(
    h("h1", {}, title),
    subtitle ? h("div", { class: "muted hash" }, subtitle) : "",
    ...content,
  );
  document.title = `${title} · Polis explorer`;
}

// ---- pages ----

async function home() {
  const [status, deals] = await Promise.all([api("/status"), api("/deals?pageSize=20")]);
  page(
    "Polis explorer",
    `Indexed up to block ${status.checkpoint ?? "—"}: ${status.deals} deals, ${status.tasks} tasks, ${status.assets} assets, ${status.events} events.`,
    h("h2", {}, "Latest deals"),
    table(
      ["Deal", "App", "Dataset", "Pool", "Requester", "Tasks", "Block"],
      deals.items.map((d) => [
        dealLink(d.dealId),
        assetLink(d.app),
        assetLink(d.dataset),
        assetLink(d.workerpool),
        addressLink(d.requester),
        d.botSize,
        d.block,
      ]),
      "No deals indexed yet.",
    ),
  );
}

async function search(q) {
  const r = await api(`/search?q=${encodeURIComponent(q)}`);
  const target = {
    deal: `#/deal/${r.id}`,
    task: `#/task/${r.id}`,
    asset: `#/asset/${r.id}`,
    address: `#/address/${r.id}`,
    order: `#/order/${r.id}`,
  }[r.type];
  if (target) location.replace(target);
  else page("Not found", q, h("p", {}, "Nothing in the index matches this address or hash."));
}

async function deal(id) {
  const d = await api(`/deals/${id}`);
  const name = (a) => d.assets.find((x) => x.address === a)?.name;
  page(
    "Deal",
    d.dealId,
    h(
      "div",
      { class: "card" },
      kv([
        ["App", assetLink(d.app, name(d.app))],
        ["Dataset", assetLink(d.dataset, name(d.dataset))],
        ["Worker pool", assetLink(d.workerpool, name(d.workerpool))],
        ["Requester", addressLink(d.requester)],
        ["Beneficiary", addressLink(d.beneficiary)],
        [
          "Prices (app / dataset / pool)",
          `${units(d.appPrice)} / ${units(d.datasetPrice)} / ${units(d.workerpoolPrice)}`,
        ],
        ["Tasks", `${d.botSize} (from index ${d.botFirst})`],
        ["Trust · category · tag", `${d.trust} · ${d.category} · ${short(d.tag)}`],
        ["Params", h("code", {}, d.params)],
        ["Deal hash", hashText(d.dealHash)],
        ["Created", `block ${d.block}${d.timestamp ? " · " + time(d.timestamp) : ""}`],
        [
          "Orders",
          h(
            "div",
            {},
            ["app", "dataset", "workerpool", "request"].map((k) => {
              const v = d[`${k}OrderHash`];
              return v === ZERO_HASH
                ? ""
                : h("div", {}, `${k}: `, link(`#/order/${v}`, short(v), "hash"));
            }),
          ),
        ],
      ]),
    ),
    h("h2", {}, "Tasks"),
    table(
      ["Task", "Index", "Status", "Worker", "Result digest"],
      d.tasks.map((t) => [
        taskLink(t.taskId),
        t.idx,
        badge(t.status),
        addressLink(t.worker),
        t.resultDigest ? hashText(short(t.resultDigest)) : "",
      ]),
      "No task has started yet.",
    ),
    h("h2", {}, "Timeline"),
    timeline(d.timeline),
  );
}

function renderEvidence(target, evidence) {
  target.replaceChildren(
    h(
      "div",
      {},
      h("strong", {}, "Evidence"),
      h(
        "span",
        {
          id: "verify-result",
          class: `verdict ${evidence.ok ? "pass" : "fail"}`,
          "data-ok": String(evidence.ok),
        },
        evidence.ok ? "VERIFIED" : "FAILED",
      ),
    ),
    h(
      "ul",
      { class: "steps" },
      evidence.steps.map((s) =>
        h(
          "li",
          { class: "step", "data-step": s.id, "data-status": s.status },
          badge(s.status === "pass" ? "pass" : s.status === "fail" ? "fail" : "skip", s.status),
          h(
            "div",
            {},
            h("div", { class: "title" }, s.title),
            h("div", { class: "message" }, s.message),
          ),
        ),
      ),
    ),
  );
}

async function task(id) {
  const t = await api(`/tasks/${id}`);
  const evidence = h(
    "div",
    { id: "evidence", class: "card" },
    h(
      "span",
      { class: "muted" },
      "Press Verify to re-check this task's evidence against the chain.",
    ),
  );
  const button = h(
    "button",
    {
      id: "verify",
      class: "primary",
      onclick: async () => {
        button.disabled = true;
        evidence.replaceChildren(h("span", { class: "muted" }, "Verifying…"));
        try {
          renderEvidence(evidence, await api(`/tasks/${id}/verify`, { method: "POST" }));
        } catch (err) {
          evidence.replaceChildren(h("span", { class: "error" }, err.message));
        } finally {
          button.disabled = false;
        }
      },
    },
    "Verify",
  );
  page(
    "Task",
    t.taskId,
    h(
      "div",
      { class: "card" },
      kv([
        ["Status", badge(t.status)],
        ["Deal", t.dealId ? dealLink(t.dealId) : ""],
        ["Index", t.idx],
        ["Worker", addressLink(t.worker)],
        ["Enclave", addressLink(t.enclave)],
        ["Result digest", t.resultDigest ? hashText(t.resultDigest) : ""],
        [
          "Usage receipt hash",
          t.receiptHash && t.receiptHash !== ZERO_HASH ? hashText(t.receiptHash) : "",
        ],
        [
          "Results",
          t.results && t.results !== "0x"
            ? h("span", { class: "hash" }, decodeHexText(t.results))
            : "",
        ],
      ]),
    ),
    h("h2", {}, "Verification"),
    h("p", {}, button),
    evidence,
    t.contributions.length ? h("h2", {}, "Contributions") : "",
    t.contributions.length
      ? table(
          ["Worker", "Result hash", "Revealed digest"],
          t.contributions.map((c) => [
            addressLink(c.worker),
            hashText(short(c.resultHash)),
            c.revealedDigest ? hashText(short(c.revealedDigest)) : "",
          ]),
        )
      : "",
    h("h2", {}, "Timeline"),
    timeline(t.timeline),
  );
}

function decodeHexText(hex) {
  try {
    const bytes = new Uint8Array(
      hex
        .slice(2)
        .match(/../g)
        .map((b) => parseInt(b, 16)),
    );
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return hex;
  }
}

async function asset(address) {
  const a = await api(`/assets/${address}`);
  page(
    a.name ?? "Asset",
    `${a.kind} ${a.address}`,
    h(
      "div",
      { class: "card" },
      kv([
        ["Kind", a.kind],
        ["Owner", addressLink(a.owner)],
        a.uri && ["URI", h("span", { class: "hash" }, a.uri)],
        a.checksum && ["Checksum", hashText(a.checksum)],
        a.mrenclave && ["Enclave measurement", hashText(a.mrenclave)],
        a.location && ["Location", a.location],
        a.workerStakeRatio !== null &&
          a.kind === "workerpool" && [
            "Worker stake / scheduler reward",
            `${a.workerStakeRatio}% / ${a.schedulerRewardRatio}%`,
          ],
        ["Deals", `${a.deals} `],
        ["Registered", `block ${a.createdBlock}`],
      ]),
    ),
    h(
      "p",
      {},
      link(`#/deals/${a.kind}/${a.address}`, "All deals of this asset"),
      a.kind === "dataset"
        ? [" · ", link(`#/dataset/${a.address}/usage`, "Dataset usage", "usage-link")]
        : "",
    ),
    a.kind === "dataset" ? h("h2", {}, "Grants") : "",
    a.kind === "dataset"
      ? table(
          ["App", "Requester", "Uses", "Expiry", "Revoked"],
          a.grants.map((g) => [
            assetLink(g.app),
            g.requester === ZERO_ADDRESS ? "anyone" : addressLink(g.requester),
            `${g.used} / ${g.uses}`,
            time(g.expiry),
            g.revoked ? "yes" : "no",
          ]),
          "No grants.",
        )
      : "",
    h("h2", {}, "Timeline"),
    timeline(a.timeline),
  );
}

async function usage(address) {
  const u = await api(`/datasets/${address}/usage`);
  page(
    "Dataset usage",
    address,
    h("p", {}, "Every deal that used this dataset, and by which app."),
    h("h2", {}, "By app"),
    table(
      ["App", "Deals", "Tasks", "Completed", "First / last block"],
      u.byApp.map((r) => [
        assetLink(r.app, r.appName),
        r.deals,
        r.tasks,
        r.completed,
        `${r.firstBlock} / ${r.lastBlock}`,
      ]),
      "This dataset was never used.",
    ),
    h("h2", {}, "Uses"),
    table(
      ["Deal", "App", "Requester", "Tasks", "Price / task", "Block"],
      u.uses.map((r) => [
        dealLink(r.dealId),
        assetLink(r.app),
        addressLink(r.requester),
        r.botSize,
        units(r.datasetPrice),
        r.block,
      ]),
    ),
  );
}

async function deals(kind, address) {
  const r = await api(`/deals?${kind}=${address}&pageSize=200`);
  page(
    `Deals by ${kind}`,
    address,
    table(
      ["Deal", "App", "Dataset", "Pool", "Requester", "Tasks", "Block"],
      r.items.map((d) => [
        dealLink(d.dealId),
        assetLink(d.app),
        assetLink(d.dataset),
        assetLink(d.workerpool),
        addressLink(d.requester),
        d.botSize,
        d.block,
      ]),
    ),
  );
}

async function account(address) {
  const [a, pay] = await Promise.all([
    api(`/accounts/${address}`),
    api(`/accounts/${address}/payments?pageSize=100`),
  ]);
  page(
    "Address",
    address,
    h(
      "div",
      { class: "card" },
      kv([
        ["Escrow free", units(a.stake)],
        ["Escrow locked", units(a.locked)],
        [
          "Assets owned",
          a.assets.length
            ? h(
                "div",
                {},
                a.assets.map((x) => h("div", {}, `${x.kind}: `, assetLink(x.address, x.name))),
              )
            : "none",
        ],
        [
          "Deals as requester",
          a.dealsAsRequester
            ? link(`#/deals/requester/${address}`, String(a.dealsAsRequester))
            : "0",
        ],
        a.workerScore !== null && ["Worker score", a.workerScore],
      ]),
    ),
    h("h2", {}, `Payments received (${pay.total})`),
    table(
      ["Amount", "For", "Block"],
      pay.items.map((m) => [
        units(m.amount),
        m.ref ? link(`#/search/${m.ref}`, short(m.ref), "hash") : "",
        m.block,
      ]),
      "No payments.",
    ),
    h("h2", {}, "Timeline"),
    timeline(a.timeline),
  );
}

async function order(hash) {
  const o = await api(`/orders/${hash}`);
  page(
    "Order",
    hash,
    h(
      "div",
      { class: "card" },
      kv([
        ["Cancelled", o.status?.cancelledBlock ? `block ${o.status.cancelledBlock}` : "no"],
        ["Presigned by", o.status?.presignedBy ? addressLink(o.status.presignedBy) : "—"],
        ["Deals", String(o.deals.length)],
      ]),
    ),
    h("h2", {}, "Deals using this order"),
    table(
      ["Deal", "Requester", "Tasks", "Block"],
      o.deals.map((d) => [dealLink(d.dealId), addressLink(d.requester), d.botSize, d.block]),
    ),
    h("h2", {}, "Timeline"),
    timeline(o.timeline),
  );
}

// ---- routing ----

const routes = [
  [/^#\/?$/, home],
  [/^#\/search\/(.+)$/, search],
  [/^#\/deal\/(0x[0-9a-fA-F]{64})$/, deal],
  [/^#\/task\/(0x[0-9a-fA-F]{64})$/, task],
  [/^#\/order\/(0x[0-9a-fA-F]{64})$/, order],
  [/^#\/asset\/(0x[0-9a-fA-F]{40})$/, asset],
  [/^#\/dataset\/(0x[0-9a-fA-F]{40})\/usage$/, usage],
  [/^#\/deals\/(app|dataset|workerpool|requester)\/(0x[0-9a-fA-F]{40})$/, deals],
  [/^#\/address\/(0x[0-9a-fA-F]{40})$/, account],
];

async function route() {
  const hash = location.hash || "#/";
  for (const [re, fn] of routes) {
    const m = re.exec(hash);
    if (!m) continue;
    view.replaceChildren(h("p", { class: "muted" }, "Loading…"));
    try {
      await fn(...m.slice(1).map(decodeURIComponent));
    } catch (err) {
      page("Error", "", h("p", { class: "error" }, err.message));
    }
    return;
  }
  page("Not found", hash, h("p", {}, "Unknown page."));
}

document.getElementById("search-form").addEventListener("submit", (e) => {
  e.preventDefault();
  const q = document.getElementById("search").value.trim();
  if (!/^0x([0-9a-fA-F]{40}|[0-9a-fA-F]{64})$/.test(q)) {
    page(
      "Search",
      q,
      h(
        "p",
        { class: "error" },
        "Enter an address (0x + 40 hex) or a deal, task or order hash (0x + 64 hex).",
      ),
    );
    return;
  }
  if (location.hash === `#/search/${q}`) route();
  else location.hash = `#/search/${q}`;
});

async function refreshStatus() {
  try {
    const s = await api("/status");
    document.getElementById("status").textContent = `block ${s.checkpoint ?? "—"}`;
  } catch {
    document.getElementById("status").textContent = "auditor unreachable";
  }
}

window.addEventListener("hashchange", route);
route();
refreshStatus();
setInterval(refreshStatus, 10_000);
