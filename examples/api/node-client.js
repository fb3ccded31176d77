#!/usr/bin/env node
// The Iris TypeScript client (@iris/client) from plain JavaScript on Node 20: a typed REST call,
// then a tell streamed over the WebSocket, and a session subscription that follows the events.
//
//   cd examples/api && npm ci
//   IRIS_URL=http://127.0.0.1:1615 IRIS_API_KEY=iris_sk_... IRIS_TEAM=alpha node node-client.js
//
// Node 20 has no global WebSocket: the `ws` package provides it (browsers need nothing).
// Exits non-zero on any failure.
import { createIrisClient, IrisSocket, unwrap } from "@iris/client";
import WebSocket from "ws";

const { IRIS_URL: url, IRIS_API_KEY: apiKey, IRIS_TEAM: team } = process.env;
if (!url || !apiKey || !team) {
  console.error("set IRIS_URL, IRIS_API_KEY and IRIS_TEAM");
  process.exit(2);
}

async function main() {
  const iris = createIrisClient({ baseUrl: url, apiKey });
  const status = unwrap(await iris.GET("/api/status"));
  console.log(`Iris ${status.version}: ${status.teams} teams, ${status.totalProcesses} processes`);

  const socket = await IrisSocket.connect({ url, apiKey, createWebSocket: (u) => new WebSocket(u) });
  try {
    // A tell over the WebSocket: tell:accepted, tell:chunk..., then tell:complete (or an error is thrown).
    let sessionId;
    let text = "";
    process.stdout.write("WebSocket: ");
    for await (const event of socket.tell({ toTeam: team, message: "Hello over the WebSocket" })) {
      if (event.event === "tell:accepted") sessionId = event.data.sessionId;
      if (event.event === "tell:chunk") {
        text += event.data.chunk;
        process.stdout.write(event.data.chunk);
      }
      if (event.event === "tell:complete") {
        console.log(`  [${event.data.status}]`);
        if (event.data.response !== text) throw new Error("the chunks do not add up to the response");
      }
    }

    // Follow the session: subscribe (replaying from seq 0), then tell it something over REST.
    const seen = [];
    const completed = new Map();
    let wanted;
    let found;
    const done = new Promise((resolve, reject) => {
      socket.onError(reject);
      found = () => completed.has(wanted) && resolve(completed.get(wanted));
    });
    socket.onEvent((event) => {
      seen.push(event.event);
      if (event.event === "tell:complete") completed.set(event.data.requestId, event);
      found();
    });
    await socket.subscribeSession(sessionId, 0);
    const told = await iris.POST("/api/teams/quick-tell", { body: { toTeam: team, message: "Followed over the WebSocket" } });
    wanted = unwrap(told).requestId;
    found();
    const complete = await withTimeout(done, 60_000);
    console.log(`followed ${seen.length} session events; the quick tell answered: ${complete.data.response}`);
  } finally {
    socket.close();
  }
}

function withTimeout(promise, ms) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

main().catch((error) => {
  console.error(`failed: ${error?.stack ?? error}`);
  process.exit(1);
});
