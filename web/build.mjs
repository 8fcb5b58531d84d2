// Bundle the pages' scripts from the installed npm packages into the Python package.
//
// One entry per page (web/src/<page>.js -> src/rarekg/server/static/dist/<page>.js), every
// import resolved from node_modules at build time, so the browser loads only files we
// serve. The manifest lists what was built; the server refuses to serve a page whose
// bundle is missing, and the wheel build refuses to run without it (hatch_build.py).
import { build } from "esbuild";
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "..", "src", "rarekg", "server", "static", "dist");
const pages = ["editor", "map", "flows"];

const started = performance.now();
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
await build({
  entryPoints: Object.fromEntries(pages.map((page) => [page, join(here, "src", `${page}.js`)])),
  outdir: out,
  bundle: true,
  minify: true,
  format: "iife",
  target: ["es2020"],
  legalComments: "linked", // licence comments the packages carry go to a file beside the bundle
  logLevel: "warning",
});
const files = Object.fromEntries(
  readdirSync(out).sort().map((name) => [name, statSync(join(out, name)).size]),
);
writeFileSync(join(out, "manifest.json"), JSON.stringify({ pages, files }, null, 1) + "\n");
const seconds = ((performance.now() - started) / 1000).toFixed(2);
const total = Object.values(files).reduce((a, b) => a + b, 0);
console.log(`built ${pages.length} pages into ${out}: ${total} bytes in ${seconds} s`);
