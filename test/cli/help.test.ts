import { expect } from "chai";
import { PassThrough } from "node:stream";
import type { Command } from "commander";
import type { CliIo } from "../../src/cli/io.js";
import { createProgram } from "../../src/cli/program.js";
import { runCli } from "./helpers/polis.js";

function captureIo(): CliIo & { text(): string } {
  let text = "";
  const sink = new PassThrough();
  sink.on("data", (d: Buffer) => (text += d.toString()));
  const write = (s: string | Uint8Array) => {
    text += s.toString();
    return true;
  };
  const stream = Object.assign(sink, { write }) as unknown as CliIo["stdout"];
  return {
    stdout: stream,
    stderr: stream,
    stdin: new PassThrough(),
    env: {},
    cwd: process.cwd(),
    text: () => text,
  };
}

function leaves(command: Command, path: string[] = []): Array<{ path: string; command: Command }> {
  const subs = command.commands.filter((c) => c.name() !== "help");
  if (subs.length === 0) return [{ path: path.join(" "), command }];
  return subs.flatMap((c) => leaves(c, [...path, c.name()]));
}

describe("polis CLI help", () => {
  it("gives every command a description and an example", () => {
    const io = captureIo();
    const program = createProgram(io);
    const all = leaves(program);
    expect(all.map((l) => l.path)).to.include.members([
      "init",
      "wallet create",
      "wallet import",
      "wallet show",
      "account deposit",
      "account withdraw",
      "account show",
      "faucet",
      "app deploy",
      "app show",
      "app publish",
      "app unpublish",
      "dataset encrypt",
      "dataset deploy",
      "dataset push-secret",
      "dataset grant",
      "dataset revoke",
      "dataset publish",
      "dataset show",
      "workerpool deploy",
      "workerpool publish",
      "workerpool show",
      "pool init",
      "pool start",
      "pool status",
      "order init",
      "order sign",
      "order publish",
      "order cancel",
      "order show",
      "orderbook app",
      "orderbook dataset",
      "orderbook workerpool",
      "orderbook request",
      "run",
      "deal show",
      "deal claim",
      "task show",
      "task claim",
      "result keygen",
      "result push-key",
      "result download",
      "result decrypt",
      "verify task",
      "up",
      "down",
    ]);
    for (const { path, command } of all) {
      expect(command.description(), path).to.not.equal("");
      const before = io.text().length;
      command.outputHelp();
      const help = io.text().slice(before);
      expect(help, path).to.contain("Examples:");
      expect(help, path).to.match(/\$ polis /);
    }
  });

  it("prints help and exits 0 from the real binary; a bad flag exits 1", async () => {
    const ok = await runCli(["run", "--help"], { cwd: process.cwd() });
    expect(ok.code).to.equal(0);
    expect(ok.stdout).to.contain("--watch");
    const bad = await runCli(["account", "deposit"], { cwd: process.cwd() });
    expect(bad.code).to.equal(1);
    expect(bad.stderr).to.match(/missing required argument 'amount'/);
  });
});
