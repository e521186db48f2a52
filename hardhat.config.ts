import { createRequire } from "node:module";
import { defineConfig } from "hardhat/config";
import hardhatEthers from "@nomicfoundation/hardhat-ethers";
import hardhatEthersChaiMatchers from "@nomicfoundation/hardhat-ethers-chai-matchers";
import hardhatMocha from "@nomicfoundation/hardhat-mocha";
import hardhatNetworkHelpers from "@nomicfoundation/hardhat-network-helpers";
import hardhatTypechain from "@nomicfoundation/hardhat-typechain";

// solc-js from npm: nothing is downloaded, the wasm compiler ships in node_modules.
const require = createRequire(import.meta.url);
const solc = {
  version: require("solc/package.json").version as string,
  path: require.resolve("solc/soljson.js"),
};

export default defineConfig({
  plugins: [
    hardhatEthers,
    hardhatEthersChaiMatchers,
    hardhatMocha,
    hardhatNetworkHelpers,
    hardhatTypechain,
  ],
  solidity: {
    profiles: {
      default: {
        ...solc,
        settings: {
          evmVersion: "osaka",
          viaIR: true,
          optimizer: { enabled: true, runs: 1000 },
        },
      },
      production: {
        ...solc,
        settings: {
          evmVersion: "osaka",
          viaIR: true,
          optimizer: { enabled: true, runs: 1000 },
        },
      },
    },
  },
  paths: {
    tests: { mocha: "test", solidity: "test/contracts/solidity" },
  },
  test: {
    mocha: { timeout: 120_000 },
    solidity: {
      fuzz: { runs: 1000 },
      invariant: { runs: 64, depth: 32, failOnRevert: false },
    },
  },
  typechain: { outDir: "types" },
  networks: {
    localhost: { type: "http", url: "http://127.0.0.1:8545" },
  },
});
