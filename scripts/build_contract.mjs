// Compile scripts/contracts/Emitter.sol with the pinned solc (npm) and fixed settings, writing
// event_streamer_server/_assets/Emitter.json (ABI + bytecode), the package data that
// event_streamer_server.devchain reads. Deterministic: CI rebuilds and diffs it.
// Usage: node scripts/build_contract.mjs [--check]
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const solc = require("solc");
const here = dirname(fileURLToPath(import.meta.url));
const sourcePath = join(here, "contracts", "Emitter.sol");
const artifactPath = join(here, "..", "event_streamer_server", "_assets", "Emitter.json");

const settings = {
  optimizer: { enabled: true, runs: 200 },
  evmVersion: "cancun",
  metadata: { bytecodeHash: "none", appendCBOR: false },
  outputSelection: { "*": { "*": ["abi", "evm.bytecode.object", "evm.deployedBytecode.object"] } },
};
const input = {
  language: "Solidity",
  sources: { "Emitter.sol": { content: readFileSync(sourcePath, "utf8") } },
  settings,
};
const output = JSON.parse(solc.compile(JSON.stringify(input)));
const errors = (output.errors || []).filter((e) => e.severity === "error");
if (errors.length) {
  for (const e of errors) console.error(e.formattedMessage);
  process.exit(1);
}
const contract = output.contracts["Emitter.sol"].Emitter;
const artifact = {
  contractName: "Emitter",
  compiler: { name: "solc", version: solc.version(), settings },
  abi: contract.abi,
  bytecode: "0x" + contract.evm.bytecode.object,
  deployedBytecode: "0x" + contract.evm.deployedBytecode.object,
};
const text = JSON.stringify(artifact, null, 2) + "\n";
if (process.argv.includes("--check")) {
  let current = "";
  try {
    current = readFileSync(artifactPath, "utf8");
  } catch {}
  if (current !== text) {
    console.error(
      "event_streamer_server/_assets/Emitter.json is out of date: run `make contract`",
    );
    process.exit(1);
  }
  console.log("Emitter.json is up to date");
} else {
  writeFileSync(artifactPath, text);
  console.log(`wrote ${artifactPath} (solc ${solc.version()})`);
}
