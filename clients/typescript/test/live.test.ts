// @iris/client against a live Iris server, started by tests/clients/test_typescript_client.py:
// IRIS_URL, IRIS_API_KEY (admin), IRIS_VIEWER_KEY (viewer, team alpha only), IRIS_ALL_OPERATIONS
// (every operationId of the contract). Every operation is called at least once (`covers`; the last
// test checks the list against the contract). Every test runs: none is skipped.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { describe, test } from "node:test";

import WebSocket from "ws";

import {
  createIrisClient,
  IrisApiError,
  IrisSocket,
  IrisStreamError,
  subscribeEvents,
  tellStream,
  unwrap,
  type OperationId,
  type Schemas,
  type StreamEvent,
} from "@iris/client";

const url = process.env.IRIS_URL ?? "";
const apiKey = process.env.IRIS_API_KEY ?? "";
const viewerKey = process.env.IRIS_VIEWER_KEY ?? "";
const all = (process.env.IRIS_ALL_OPERATIONS ?? "").split(",").filter(Boolean);
if (!url || !all.length) {
  throw new Error("IRIS_URL and IRIS_ALL_OPERATIONS are not set (run through pytest: tests/clients/test_typescript_client.py)");
}

const iris = createIrisClient({ baseUrl: url, apiKey });
const viewer = createIrisClient({ baseUrl: url, apiKey: viewerKey });
const covered = new Set<OperationId>();
const TERMINAL = new Set(["completed", "failed", "cancelled", "stalled"]);

/** Record the operations a test calls (the last test checks the record against the contract). */
function covers(ops: OperationId[]): Record<string, never> {
  for (const op of ops) covered.add(op);
  return {};
}

async function waitForEnd(requestId: string, ms = 60_000): Promise<Schemas["TellResponse"]> {
  const deadline = Date.now() + ms;
  for (;;) {
    const record = unwrap(await iris.GET("/api/requests/{requestId}", { params: { path: { requestId } } }));
    if (TERMINAL.has(record.status) || Date.now() > deadline) return record;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function collect(stream: AsyncGenerator<StreamEvent>): Promise<StreamEvent[]> {
  const out: StreamEvent[] = [];
  for await (const event of stream) out.push(event);
  return out;
}

describe("live server", () => {
  test("status operations", covers(["health", "getDate", "systemStatus", "listTeams", "teamStatus", "getLogs"]), async () => {
    const anonymous = createIrisClient({ baseUrl: url });
    assert.ok(["ok", "degraded"].includes(unwrap(await anonymous.GET("/api/health")).status));
    const date = unwrap(await iris.GET("/api/date"));
    assert.ok(Math.abs(date.unixMs - Date.now()) < 60_000);
    assert.equal(unwrap(await iris.GET("/api/status")).teams, 2);
    const teams = unwrap(await iris.GET("/api/teams", { params: { query: { includeProcesses: true } } }));
    assert.deepEqual(
      teams.items.map((t) => t.name),
      ["alpha", "beta"],
    );
    const status = unwrap(await iris.GET("/api/teams/status", { params: { query: { team: "beta" } } }));
    assert.deepEqual(
      status.items.map((s) => s.team),
      ["beta"],
    );
    const logs = unwrap(await iris.GET("/api/logs", { params: { query: { limit: 5 } } }));
    assert.ok(logs.items.length <= 5);
  });

  test("metrics", covers(["getMetrics"]), async () => {
    const text = unwrap(await iris.GET("/metrics", { parseAs: "text" }));
    assert.ok(text.includes("# TYPE iris_tells_total counter"), text);
    const refused = await viewer.GET("/metrics", { parseAs: "text" }); // authentication on: no metrics:read
    assert.equal(refused.response.status, 403);
  });

  test("tell and ask, then read them back", covers(["tell", "ask", "getRequest", "readCache", "sessionReport", "listTeams"]), async () => {
    const told = await iris.POST("/api/teams/tell", { body: { toTeam: "alpha", message: "hello from node", timeout: 0 } });
    assert.equal(told.response.status, 200);
    const record = unwrap(told);
    assert.equal(record.status, "completed");
    assert.match(record.response ?? "", /hello from node/);
    const asked = unwrap(await iris.POST("/api/teams/ask", { body: { toTeam: "alpha", message: "and again" } }));
    assert.equal(asked.sessionId, record.sessionId);
    const again = unwrap(
      await iris.GET("/api/requests/{requestId}", {
        params: { path: { requestId: record.requestId }, query: { includeMessages: true } },
      }),
    );
    assert.equal(again.response, record.response);
    const cache = unwrap(
      await iris.GET("/api/cache/{sessionId}", {
        params: { path: { sessionId: record.sessionId }, query: { includeMessages: false } },
      }),
    );
    assert.ok(cache.items.some((t) => t.requestId === asked.requestId));
    const report = unwrap(
      await iris.GET("/api/teams/{team}/report", { params: { path: { team: "alpha" }, query: { limit: 1 } } }),
    );
    assert.equal(report.session.sessionId, record.sessionId);
    assert.equal(report.items.length, 1);
    const listed = unwrap(await iris.GET("/api/teams", { params: { query: { includeSessions: true, sessionLimit: 500 } } }));
    const alpha = listed.items.find((t) => t.name === "alpha");
    assert.equal(alpha?.sessionsTruncated, false);
    const session = alpha?.sessions?.find((s) => s.sessionId === record.sessionId);
    assert.ok(session, "the told session is listed");
    assert.equal(session.fromTeam, "external");
    assert.equal(session.tellCount, cache.items.length);
    assert.ok(session.tellCount >= 2);
    const spent = cache.items.reduce((sum, t) => sum + (t.costUsd ?? 0), 0);
    assert.ok(Math.abs(session.costUsd - spent) < 1e-9, `${session.costUsd} vs ${spent}`);
    assert.ok(Math.abs(session.costUsd - report.session.totals.costUsd) < 1e-9);
  });

  test("a 202 tell is fetched later", covers(["tell", "quickTell", "getRequest"]), async () => {
    const accepted = await iris.POST("/api/teams/tell", {
      body: { toTeam: "beta", fromTeam: "alpha", message: "#slow:3:100 later please", timeout: -1 },
    });
    assert.equal(accepted.response.status, 202);
    const first = unwrap(accepted);
    assert.ok(["queued", "running"].includes(first.status));
    assert.equal(accepted.response.headers.get("location"), `/api/requests/${first.requestId}`);
    const done = await waitForEnd(first.requestId);
    assert.equal(done.status, "completed");
    assert.match(done.response ?? "", /later please/);

    const quick = await iris.POST("/api/teams/quick-tell", { body: { toTeam: "beta", message: "quick one" } });
    assert.equal(quick.response.status, 202);
    assert.equal((await waitForEnd(unwrap(quick).requestId)).status, "completed");
  });

  test("typed 404s", covers(["tell", "getRequest", "readCache", "listPermissions", "decidePermission"]), async () => {
    const unknownTeam = await iris.POST("/api/teams/tell", { body: { toTeam: "nobody", message: "hi" } });
    assert.equal(unknownTeam.response.status, 404);
    assert.equal(unknownTeam.error?.error, "TeamNotFoundError");

    const requestId = randomUUID();
    await assert.rejects(
      async () => unwrap(await iris.GET("/api/requests/{requestId}", { params: { path: { requestId } } })),
      (error: unknown) => error instanceof IrisApiError && error.status === 404 && error.errorName === "RequestNotFoundError",
    );
    const noSession = await iris.GET("/api/cache/{sessionId}", { params: { path: { sessionId: randomUUID() } } });
    assert.equal(noSession.error?.error, "SessionNotFoundError");

    assert.deepEqual(unwrap(await iris.GET("/api/permissions")).items, []);
    const undecided = await iris.POST("/api/permissions/{permissionId}", {
      params: { path: { permissionId: randomUUID() } },
      body: { decision: "deny", reason: "no such request" },
    });
    assert.equal(undecided.response.status, 404);
  });

  test("typed 403s", covers(["tell", "teamStatus", "getRequest"]), async () => {
    const refused = await viewer.POST("/api/teams/tell", { body: { toTeam: "alpha", message: "hi" } });
    assert.equal(refused.response.status, 403);
    assert.equal(refused.error?.error, "ForbiddenError");
    assert.equal(refused.error?.details?.permission, "team:tell");
    await assert.rejects(
      async () => unwrap(await viewer.GET("/api/teams/status", { params: { query: { team: "beta" } } })),
      (error: unknown) => error instanceof IrisApiError && error.status === 403,
    );
    const record = unwrap(await iris.POST("/api/teams/tell", { body: { toTeam: "beta", message: "scoped" } }));
    const scoped = await viewer.GET("/api/requests/{requestId}", { params: { path: { requestId: record.requestId } } });
    assert.equal(scoped.response.status, 403);
    const nobody = createIrisClient({ baseUrl: url, apiKey: "iris_sk_test_" + "x".repeat(40) });
    assert.equal((await nobody.GET("/api/status")).response.status, 401);
  });

  test("process lifecycle", covers(["wakeTeam", "launchTeam", "sleepTeam", "wakeAll"]), async () => {
    const woke = unwrap(
      await iris.POST("/api/teams/{team}/wake", { params: { path: { team: "alpha" } }, body: { fromTeam: "alpha" } }),
    );
    assert.ok(woke.pid > 0);
    const launched = await iris.POST("/api/teams/{team}/launch", {
      params: { path: { team: "beta" } },
      body: { fromTeam: "alpha" },
    });
    assert.equal(launched.response.status, 202);
    const slept = unwrap(
      await iris.POST("/api/teams/{team}/sleep", { params: { path: { team: "alpha" } }, body: { fromTeam: "alpha" } }),
    );
    assert.equal(slept.sessionId, woke.sessionId);
    const everyone = unwrap(await iris.POST("/api/teams/wake-all", { body: { fromTeam: "alpha", parallel: true } }));
    assert.equal(everyone.summary.total, 2);
    assert.equal(everyone.summary.failed, 0);
  });

  test(
    "session operations",
    covers(["tell", "forkSession", "deleteSession", "cancelTell", "compactSession", "clearCache", "rebootSession"]),
    async () => {
      const team = "alpha";
      const fromTeam = "beta";
      const first = unwrap(await iris.POST("/api/teams/tell", { body: { toTeam: team, fromTeam, message: "remember 7" } }));
      const forked = await iris.POST("/api/teams/{team}/fork", { params: { path: { team } }, body: { fromTeam } });
      assert.equal(forked.response.status, 201);
      const fork = unwrap(forked);
      assert.equal(fork.forkedFrom, first.sessionId);
      const onFork = unwrap(
        await iris.POST("/api/teams/tell", { body: { toTeam: team, fromTeam, message: "on the fork", sessionId: fork.sessionId } }),
      );
      assert.equal(onFork.sessionId, fork.sessionId);
      const deleted = unwrap(
        await iris.DELETE("/api/teams/{team}/delete", {
          params: { path: { team }, query: { fromTeam, sessionId: fork.sessionId } },
        }),
      );
      assert.equal(deleted.sessionId, fork.sessionId);

      const cancelled = unwrap(
        await iris.POST("/api/teams/{team}/cancel", { params: { path: { team } }, body: { fromTeam, dropQueued: true } }),
      );
      assert.equal(cancelled.cancelled, false);
      const compact = await iris.POST("/api/teams/{team}/compact", {
        params: { path: { team } },
        body: { fromTeam, timeout: -1 },
      });
      assert.equal(compact.response.status, 202);
      await waitForEnd(unwrap(compact).requestId);
      const cleared = unwrap(
        await iris.DELETE("/api/cache/{sessionId}", { params: { path: { sessionId: first.sessionId } } }),
      );
      assert.ok(cleared.cleared >= 1);
      const rebooted = unwrap(
        await iris.DELETE("/api/teams/{team}/reboot", { params: { path: { team }, query: { fromTeam } } }),
      );
      assert.equal(rebooted.oldSessionId, first.sessionId);
      assert.notEqual(rebooted.newSessionId, first.sessionId);
    },
  );

  test("keys and audit", covers(["createKey", "listKeys", "revokeKey", "auditLog"]), async () => {
    const created = await iris.POST("/api/keys", { body: { name: "from-node", role: "operator", teams: ["alpha"] } });
    assert.equal(created.response.status, 201);
    const key = unwrap(created);
    assert.match(key.key, /^iris_sk_/);
    const listed = unwrap(await iris.GET("/api/keys", { params: { query: { active: true } } }));
    assert.ok(listed.items.some((k) => k.id === key.id));
    const revoked = unwrap(await iris.DELETE("/api/keys/{keyId}", { params: { path: { keyId: key.id } } }));
    assert.equal(revoked.active, false);
    // The audit log is written in batches: wait for the entry.
    const deadline = Date.now() + 10_000;
    let audit = unwrap(await iris.GET("/api/audit", { params: { query: { event: "key_created", limit: 5 } } }));
    while (audit.items.length === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      audit = unwrap(await iris.GET("/api/audit", { params: { query: { event: "key_created", limit: 5 } } }));
    }
    assert.ok(audit.items.length > 0 && audit.items.every((e) => e.event === "key_created"));
  });

  test("budgets and per-tell options", covers(["createKey", "listKeys", "tell"]), async () => {
    const made = unwrap(
      await iris.POST("/api/keys", {
        body: { name: "node-budget", permissions: ["team:tell"], budgetUsd: 0.05, budgetPeriod: "day" },
      }),
    );
    const budgeted = createIrisClient({ baseUrl: url, apiKey: made.key });
    const over = unwrap(await budgeted.POST("/api/teams/tell", { body: { toTeam: "beta", message: "#cost:0.1 over" } }));
    assert.equal(over.status, "failed");
    assert.match(over.reason ?? "", /^budget_exceeded: /);
    const refused = await budgeted.POST("/api/teams/tell", { body: { toTeam: "beta", message: "again" } });
    assert.equal(refused.response.status, 402);
    assert.equal(refused.error?.error, "BudgetExceededError");
    assert.equal(refused.error?.details?.budget, "key");
    const listed = unwrap(await iris.GET("/api/keys", { params: { query: { limit: 500 } } }));
    const shown = listed.items.find((k) => k.id === made.id);
    assert.equal(shown?.budget?.limitUsd, 0.05);
    assert.ok((shown?.spentUsd ?? 0) >= 0.1 - 1e-6);

    const schema = { type: "object", properties: { n: { type: "integer" } }, required: ["n"] };
    // a plain tell first: the session's process runs with the team's own options, so the next one restarts it
    unwrap(await iris.POST("/api/teams/tell", { body: { toTeam: "beta", message: "plain first" } }));
    const shaped = unwrap(
      await iris.POST("/api/teams/tell", {
        body: { toTeam: "beta", message: '#json:{"n": 9}', outputSchema: schema, maxTurns: 5 },
      }),
    );
    assert.equal(shaped.status, "completed");
    assert.deepEqual(shaped.output, { n: 9 });
    assert.deepEqual(shaped.processRestart?.options, ["maxTurns", "outputSchema"]);
  });

  test(
    "webhooks",
    covers(["createWebhook", "listWebhooks", "listWebhookDeliveries", "redeliverWebhook", "deleteWebhook", "tell"]),
    async () => {
      const hookUrl = `${url}/hook-from-node`; // the server itself: it answers 404, so each delivery fails
      const created = await iris.POST("/api/webhooks", { body: { url: hookUrl, events: ["tell.completed"], teams: ["alpha"] } });
      assert.equal(created.response.status, 201);
      const hook = unwrap(created);
      assert.match(hook.secret, /^whsec_/);
      assert.ok(unwrap(await iris.GET("/api/webhooks")).items.some((h) => h.id === hook.id));
      const told = unwrap(await iris.POST("/api/teams/tell", { body: { toTeam: "alpha", message: "hook", callbackUrl: hookUrl } }));
      const path = { webhookId: hook.id };
      const deadline = Date.now() + 20_000;
      let page = unwrap(await iris.GET("/api/webhooks/{webhookId}/deliveries", { params: { path } }));
      while (!(page.items.length && page.items[0].attempts.length) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        page = unwrap(await iris.GET("/api/webhooks/{webhookId}/deliveries", { params: { path } }));
      }
      const [delivery] = page.items;
      assert.equal(delivery.requestId, told.requestId);
      assert.equal(delivery.status, "failed");
      assert.equal(delivery.attempts[0].statusCode, 404);
      const again = await iris.POST("/api/webhooks/{webhookId}/deliveries/{deliveryId}/redeliver", {
        params: { path: { webhookId: hook.id, deliveryId: delivery.id } },
      });
      assert.equal(again.response.status, 202);
      assert.equal(unwrap(again).messageId, delivery.messageId);
      const deleted = unwrap(await iris.DELETE("/api/webhooks/{webhookId}", { params: { path } }));
      assert.equal(deleted.id, hook.id);
      assert.ok(!unwrap(await iris.GET("/api/webhooks")).items.some((h) => h.id === hook.id));
    },
  );

  test("the calling key", covers(["currentKey"]), async () => {
    const admin = unwrap(await iris.GET("/api/keys/me"));
    assert.equal(admin.authenticated, true);
    assert.deepEqual([admin.name, admin.role, admin.permissions, admin.teams], ["clients-admin", "admin", ["admin"], null]);
    const scoped = unwrap(await viewer.GET("/api/keys/me"));
    assert.deepEqual([scoped.role, [...scoped.permissions].sort(), scoped.teams], ["viewer", ["cache:read", "status:read"], ["alpha"]]);
    const nobody = createIrisClient({ baseUrl: url, apiKey: "iris_sk_test_" + "x".repeat(40) });
    assert.equal((await nobody.GET("/api/keys/me")).response.status, 401);
  });

  test("a streamed tell over SSE", covers(["tellStream"]), async () => {
    const events = await collect(tellStream({ baseUrl: url, apiKey }, { toTeam: "alpha", message: "#slow:3:50 streamed" }));
    assert.equal(events[0]!.event, "tell:accepted");
    const last = events.at(-1)!;
    assert.equal(last.event, "tell:complete");
    const text = events.map((e) => (e.event === "tell:chunk" ? e.data.chunk : "")).join("");
    assert.ok(last.event === "tell:complete" && last.data.response === text);
    await assert.rejects(
      collect(tellStream({ baseUrl: url, apiKey }, { toTeam: "nobody", message: "hi" })),
      (error: unknown) => error instanceof IrisApiError && error.errorName === "TeamNotFoundError",
    );
  });

  test("a subscription over SSE replays from Last-Event-ID", covers(["events", "tell", "quickTell", "getRequest"]), async () => {
    const first = unwrap(await iris.POST("/api/teams/tell", { body: { toTeam: "beta", message: "open the session" } }));
    const session = first.sessionId;
    const cached = unwrap(
      await iris.GET("/api/requests/{requestId}", {
        params: { path: { requestId: first.requestId }, query: { includeMessages: true } },
      }),
    );
    const mark = Math.max(...(cached.messages ?? []).map((m) => m.seq));
    const controller = new AbortController();
    // From the first tell's last message: the rest of it is replayed, then the second tell arrives live.
    const stream = subscribeEvents({ baseUrl: url, apiKey }, { session, lastEventId: `${session}:${mark}`, signal: controller.signal });
    const second = unwrap(await iris.POST("/api/teams/quick-tell", { body: { toTeam: "beta", message: "#slow:3:10 live" } }));
    const events: StreamEvent[] = [];
    for await (const event of stream) {
      events.push(event);
      if (event.event === "tell:complete" && event.data.requestId === second.requestId) break;
    }
    controller.abort();
    const seqs = events.map((e) => (e.data as { seq?: number }).seq);
    assert.deepEqual(
      seqs,
      seqs.map((_, i) => mark + 1 + i),
    );
    assert.ok(events.every((e) => e.id === `${session}:${(e.data as { seq?: number }).seq}`));
    assert.ok(events.some((e) => e.event === "tell:chunk" && e.data.requestId === second.requestId));
  });

  test("log records live over SSE and the WebSocket", covers(["events"]), async () => {
    // A handshake from a foreign origin is refused with a warning record naming that origin.
    const origin = `http://logs-${randomUUID().slice(0, 8)}.example`;
    const refusedHandshake = (): Promise<void> =>
      new Promise((resolve) => {
        const ws = new WebSocket(`${url.replace(/^http/, "ws")}/ws`, { origin });
        ws.on("error", () => resolve());
        ws.on("unexpected-response", () => resolve());
        ws.on("close", () => resolve());
      });
    const socket = await IrisSocket.connect({ url, apiKey, createWebSocket: (u) => new WebSocket(u) });
    const controller = new AbortController();
    try {
      const overWs: string[] = [];
      socket.onEvent((event) => {
        if (event.event === "log:record" && event.data.message.includes(origin)) overWs.push(event.data.message);
      });
      await socket.subscribeLogs("warning");
      const overSse: StreamEvent[] = [];
      const reading = (async () => {
        const stream = subscribeEvents({ baseUrl: url, apiKey }, { logs: "warning", signal: controller.signal });
        for await (const event of stream) {
          if (event.event === "log:record" && event.data.message.includes(origin)) {
            overSse.push(event);
            return;
          }
        }
      })();
      const deadline = Date.now() + 20_000;
      while ((overSse.length === 0 || overWs.length === 0) && Date.now() < deadline) {
        await refusedHandshake();
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      await reading;
      assert.equal(overSse.length, 1);
      const [record] = overSse;
      assert.ok(record!.event === "log:record" && record!.data.level === "warning" && record!.id === undefined);
      assert.ok(overWs.length >= 1);
      await socket.unsubscribeLogs();
      // the viewer key holds no debug:read
      await assert.rejects(
        collect(subscribeEvents({ baseUrl: url, apiKey: viewerKey }, { logs: "info" })),
        (error: unknown) => error instanceof IrisApiError && error.status === 403,
      );
    } finally {
      controller.abort();
      socket.close();
    }
  });

  test("a streamed tell over the WebSocket", covers(["tell"]), async () => {
    const socket = await IrisSocket.connect({ url, apiKey, createWebSocket: (u) => new WebSocket(u) });
    try {
      const events = await collect(socket.tell({ toTeam: "alpha", message: "#slow:2:50 over ws" }));
      assert.equal(events[0]!.event, "tell:accepted");
      assert.equal(events.at(-1)!.event, "tell:complete");
      await assert.rejects(collect(socket.tell({ toTeam: "nobody", message: "hi" })), IrisStreamError);
    } finally {
      socket.close();
    }
  });
});

test("every operation of the contract is called by some test", () => {
  // `covers` runs when the tests above are declared, so `covered` is complete before any test runs.
  const missing = all.filter((op) => !covered.has(op as OperationId));
  assert.deepEqual(missing, [], `operations no test calls: ${missing.join(", ")}`);
  assert.deepEqual([...covered].filter((op) => !all.includes(op)), []);
});
