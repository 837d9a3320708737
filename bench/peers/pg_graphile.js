// graphile-worker peer for `yard bench pg`: the same protocol as Switchyard's figure. Two worker processes start on an
// empty queue; then every job is added in one transaction, so all appear at its commit, and the clock runs from the
// commit until the queue is empty (graphile-worker deletes a job when it succeeds). Prints one JSON object:
// {"jobs_per_s": ..., "version": ...}.
// Usage: node pg_graphile.js --connection postgres://... --n 100000 --concurrency 64 --schema bench_graphile
// graphile-worker must be resolvable from NODE_PATH (the bench installs it into a temp folder with npm).
"use strict";
const { fork } = require("child_process");

function arg(name, fallback) {
  const i = process.argv.indexOf("--" + name);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

const connectionString = arg("connection");
const n = parseInt(arg("n", "100000"), 10);
const concurrency = parseInt(arg("concurrency", "64"), 10);
const schema = arg("schema", "bench_graphile");

async function worker() {
  const { run } = require("graphile-worker");
  const runner = await run({
    connectionString, concurrency, schema, pollInterval: 50, noHandleSignals: true,
    taskList: { noop: async () => {} },
    // Its own fastest settings (worker.graphile.org/docs/performance): batched fetch and batched completion.
    preset: { worker: { localQueue: { size: 100 }, completeJobBatchDelay: 0, failJobBatchDelay: 0 } },
    logger: new (require("graphile-worker").Logger)(() => () => {}),
  });
  process.send("ready");
  process.on("message", async (m) => { if (m === "stop") { await runner.stop(); process.exit(0); } });
}

async function main() {
  const { runMigrations } = require("graphile-worker");
  const { Pool } = require("pg");
  await runMigrations({ connectionString, schema });
  const pool = new Pool({ connectionString, max: 2 });
  const jobsTable = `"${schema}"._private_jobs`;
  const children = [0, 1].map(() => fork(__filename, ["--worker", ...process.argv.slice(2)]));
  await Promise.all(children.map((c) => new Promise((resolve) => c.once("message", resolve))));
  const client = await pool.connect();
  await client.query("begin");
  for (let done = 0; done < n; done += 10000) {
    const size = Math.min(10000, n - done);
    await client.query(`select "${schema}".add_job('noop', '{}'::json) from generate_series(1, $1)`, [size]);
  }
  const started = process.hrtime.bigint(); // before the commit, as for Switchyard
  await client.query("commit");
  client.release();
  // A probe of the first live row, not a count of every row: a count would take the CPU being measured.
  for (;;) {
    const { rows } = await pool.query(`select exists (select 1 from ${jobsTable}) as any`);
    if (!rows[0].any) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  children.forEach((c) => c.send("stop"));
  await Promise.all(children.map((c) => new Promise((resolve) => c.once("exit", resolve))));
  await pool.query(`drop schema "${schema}" cascade`);
  await pool.end();
  console.log(JSON.stringify({ jobs_per_s: n / seconds, seconds, version: require("graphile-worker/package.json").version }));
}

(process.argv.includes("--worker") ? worker() : main()).catch((e) => { console.error(e); process.exit(1); });
