// Copy the few onnxruntime-web files private mode loads (the WebAssembly
// build, no WebGPU/WebGL) from node_modules into static/vendor/, with the
// package's name, version and license (the package ships no LICENSE file). Run after `npm ci`: `npm run vendor`.
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const pkg = join(root, "node_modules", "onnxruntime-web");
const meta = JSON.parse(readFileSync(join(pkg, "package.json"), "utf8"));
const version = meta.version;
const out = join(root, "static", "vendor", "onnxruntime-web");
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const files = [
  "dist/ort.wasm.min.mjs", // the API (WebAssembly backend only)
  "dist/ort-wasm-simd-threaded.mjs", // the Emscripten loader it imports
  "dist/ort-wasm-simd-threaded.wasm", // the runtime
];
for (const file of files) copyFileSync(join(pkg, file), join(out, file.replace("dist/", "")));
writeFileSync(
  join(out, "NOTICE"),
  `${meta.name} ${version} (${meta.license} license, ${meta.homepage || meta.repository?.url || ""})\n` +
    "Copyright (c) Microsoft Corporation. Vendored by `npm ci && npm run vendor` from package-lock.json.\n",
);
console.log(`onnxruntime-web ${version}: ${files.length} files in ${out}`);
