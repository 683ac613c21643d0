// Drives a generated Azure Function (mtasts gen-hosting azure-function) the way
// the Functions host does: route = host.json routePrefix + function.json route,
// only the trigger's methods; calls index.js with (context, req) and serves
// context.res over plain HTTP on loopback.
// usage: node azure-harness.js ARTIFACT_DIR ADDR PORT
"use strict";
const fs = require("fs");
const http = require("http");
const path = require("path");

const [dir, addr, port] = process.argv.slice(2);
const hostJson = JSON.parse(fs.readFileSync(path.join(dir, "host.json"), "utf8"));
const fnDir = path.join(dir, "mta-sts");
const trigger = JSON.parse(fs.readFileSync(path.join(fnDir, "function.json"), "utf8"))
  .bindings.find((b) => b.type === "httpTrigger");
const prefix = hostJson.extensions?.http?.routePrefix ?? "api";
const route = "/" + [prefix, trigger.route].filter((s) => s !== "").join("/");
const handler = require(path.resolve(fnDir, "index.js"));

http.createServer(async (req, res) => {
  const url = new URL(req.url, "http://localhost");
  if (url.pathname !== route || !trigger.methods.includes(req.method.toLowerCase())) {
    res.writeHead(404).end();
    return;
  }
  const context = { log: console.log, res: undefined };
  await handler(context, { method: req.method, url: req.url, headers: req.headers, query: {}, params: {} });
  const r = context.res ?? {};
  res.writeHead(r.status ?? 200, r.headers ?? {}).end(r.body ?? "");
}).listen(Number(port), addr, () => console.log(`listening on ${addr}:${port} ${route}`));
