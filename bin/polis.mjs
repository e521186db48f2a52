#!/usr/bin/env node
// The `polis` CLI. Runs the TypeScript sources through tsx; needs Node >= 22.12 (`npx polis`
// puts the project's Node 22 first on PATH).
const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 22 || (major === 22 && minor < 12)) {
  process.stderr.write(
    `error: polis needs Node.js >= 22.12 (this is ${process.versions.node}).\n` +
      "hint: run it through npm so the project's Node 22 is used: `npx polis ...`\n",
  );
  process.exit(1);
}
const { register } = await import("tsx/esm/api");
register();
const { main } = await import(new URL("../src/cli/main.ts", import.meta.url).href);
const code = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
  cwd: process.cwd(),
});
process.exit(code);
