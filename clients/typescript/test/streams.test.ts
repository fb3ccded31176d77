// The stream helpers against the scripted stream server of tests/clients/fake_streams.py
// (IRIS_FAKE_URL, IRIS_FAKE_KEY), which drops connections on purpose so that resuming is tested.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { describe, test } from "node:test";

import WebSocket from "ws";

import {
  IrisApiError,
  IrisAuthError,
  IrisSocket,
  IrisStreamError,
  SseParser,
  subscribeEvents,
  tellStream,
  websocketUrl,
  type StreamEvent,
  type WebSocketLike,
} from "@iris/client";

const url = process.env.IRIS_FAKE_URL ?? "";
const key = process.env.IRIS_FAKE_KEY ?? "";
const skip = url ? false : "IRIS_FAKE_URL is not set (run through pytest: tests/clients/test_typescript_client.py)";
const createWebSocket = (u: string): WebSocketLike => new WebSocket(u);

async function take<T>(iterator: AsyncGenerator<T>, n: number): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterator) {
    out.push(item);
    if (out.length === n) break;
  }
  return out;
}

function seq(event: StreamEvent): number | undefined {
  const value = (event.data as { seq?: unknown }).seq;
  return typeof value === "number" ? value : undefined;
}

describe("SseParser", () => {
  test("splits on LF, CR and CRLF (even across chunks) and follows the field rules", () => {
    const parser = new SseParser();
    const out = [
      ...parser.push(": hi\r\nevent: tell:chunk\r"),
      ...parser.push("\nid: s:1\rdata: {\"a\":\ndata: 1}\nretry: 250\n"),
      ...parser.push("\n"),
    ];
    assert.deepEqual(out, [{ event: "tell:chunk", data: '{"a":\n1}', id: "s:1", retry: 250 }]);
  });

  test("websocketUrl", () => {
    assert.equal(websocketUrl("http://127.0.0.1:1615"), "ws://127.0.0.1:1615/ws");
    assert.equal(websocketUrl("https://iris.example/"), "wss://iris.example/ws");
  });
});

describe("SSE", { skip }, () => {
  test("tellStream yields accepted, chunks, then complete, with ids", async () => {
    const events: StreamEvent[] = [];
    for await (const event of tellStream({ baseUrl: url, apiKey: key }, { toTeam: "alpha", message: "hi" })) {
      events.push(event);
    }
    assert.deepEqual(
      events.map((e) => e.event),
      ["tell:accepted", "tell:chunk", "tell:chunk", "tell:complete"],
    );
    const text = events.map((e) => (e.event === "tell:chunk" ? e.data.chunk : "")).join("");
    assert.equal(text, "Hello");
    const last = events.at(-1)!;
    assert.ok(last.event === "tell:complete" && last.data.response === "Hello");
    const session = events[0]!.event === "tell:accepted" ? events[0]!.data.sessionId : "";
    assert.deepEqual(
      events.map((e) => e.id),
      [1, 2, 3, 4].map((n) => `${session}:${n}`),
    );
  });

  for (const [team, status, name] of [
    ["nope", 404, "TeamNotFoundError"],
    ["secret", 403, "ForbiddenError"],
  ] as const) {
    test(`tellStream throws a typed ${status}`, async () => {
      await assert.rejects(
        take(tellStream({ baseUrl: url, apiKey: key }, { toTeam: team, message: "hi" }), 1),
        (error: unknown) => error instanceof IrisApiError && error.status === status && error.errorName === name,
      );
    });
  }

  test("subscribeEvents resumes with Last-Event-ID after a dropped connection", async () => {
    const session = randomUUID();
    const sent: Array<string | null> = [];
    const recordingFetch: typeof fetch = (input, init) => {
      sent.push(new Headers(init?.headers).get("Last-Event-ID"));
      return fetch(input, init);
    };
    const controller = new AbortController();
    const events = await take(
      subscribeEvents({ baseUrl: url, apiKey: key, fetch: recordingFetch }, { session, retryDelayMs: 20, signal: controller.signal }),
      10,
    );
    controller.abort();
    assert.deepEqual(events.map(seq), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    assert.deepEqual(sent.slice(0, 2), [null, `${session}:4`]);
  });

  test("subscribeEvents passes a reset through, and team and system events", async () => {
    const gone = "00000000-0000-4000-8000-000000000000";
    const [reset] = await take(
      subscribeEvents({ baseUrl: url, apiKey: key }, { session: gone, lastEventId: `${gone}:0`, retryDelayMs: 20 }),
      1,
    );
    assert.equal(reset!.event, "reset");
    const both = await take(subscribeEvents({ baseUrl: url, apiKey: key }, { team: "alpha", system: true }), 2);
    assert.deepEqual(new Set(both.map((e) => e.event)), new Set(["process:spawned", "health:check"]));
    const [record] = await take(subscribeEvents({ baseUrl: url, apiKey: key }, { logs: "warning" }), 1);
    assert.ok(record!.event === "log:record" && record!.data.message === "subscribed at warning");
    assert.equal(record!.id, undefined);
  });

  test("subscribeEvents throws at once when refused", async () => {
    await assert.rejects(
      take(subscribeEvents({ baseUrl: url, apiKey: key }, { team: "secret" }), 1),
      (error: unknown) => error instanceof IrisApiError && error.status === 403,
    );
    await assert.rejects(take(subscribeEvents({ baseUrl: url, apiKey: key }, {}), 1), TypeError);
  });

  test("an aborted subscription ends quietly", async () => {
    const controller = new AbortController();
    const stream = subscribeEvents({ baseUrl: url, apiKey: key }, { system: true, signal: controller.signal });
    assert.equal((await stream.next()).value?.event, "health:check");
    setTimeout(() => controller.abort(), 50);
    assert.equal((await stream.next()).done, true);
  });
});

describe("WebSocket", { skip }, () => {
  test("tell over the socket (auth message)", async () => {
    const socket = await IrisSocket.connect({ url, apiKey: key, createWebSocket });
    try {
      const names: string[] = [];
      for await (const event of socket.tell({ toTeam: "alpha", message: "hi" })) names.push(event.event);
      assert.deepEqual(names, ["tell:accepted", "tell:chunk", "tell:chunk", "tell:complete"]);
      // a refused tell throws, and the socket stays usable
      await assert.rejects(take(socket.tell({ toTeam: "secret", message: "hi" }), 10), IrisStreamError);
      const again = await take(socket.tell({ toTeam: "alpha", message: "again" }), 10);
      assert.equal(again.at(-1)!.event, "tell:complete");
    } finally {
      socket.close();
    }
  });

  test("a bad key is IrisAuthError (4401)", async () => {
    const socket = await IrisSocket.connect({ url, apiKey: "iris_sk_wrong", createWebSocket, maxRetries: 0 });
    const failed = new Promise((resolve) => socket.onError(resolve));
    assert.ok((await failed) instanceof IrisAuthError);
    socket.close();
  });

  test("subscriptions replay after afterSeq", async () => {
    const session = randomUUID();
    const socket = await IrisSocket.connect({ url, apiKey: key, createWebSocket });
    try {
      const events = socket.events();
      await socket.subscribeSession(session, 7);
      await socket.subscribeTeam("alpha");
      await socket.subscribeSystem();
      const got = await take(events, 5);
      assert.deepEqual(
        got.map(seq).filter((n) => n !== undefined),
        [8, 9, 10],
      );
      const names = new Set(got.map((e) => e.event));
      assert.ok(names.has("process:spawned") && names.has("health:check"));
    } finally {
      socket.close();
    }
  });

  test("logs are subscribed, re-subscribed after a reconnect at the same level, and unsubscribed", async () => {
    const socket = await IrisSocket.connect({ url, apiKey: key, createWebSocket, retryDelayMs: 20 });
    try {
      const records: string[] = [];
      socket.onEvent((event) => {
        if (event.event === "log:record") records.push(event.data.message);
      });
      await socket.subscribeLogs("error");
      assert.equal(socket.logs, "error");
      await take(socket.tell({ toTeam: "alpha", message: "#drop" }), 10); // the socket drops and reconnects
      assert.equal(socket.reconnects, 1);
      const deadline = Date.now() + 5_000;
      while (records.length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      assert.deepEqual(records, ["subscribed at error", "subscribed at error"]);
      await socket.unsubscribeLogs();
      assert.equal(socket.logs, undefined);
    } finally {
      socket.close();
    }
  });

  test("a tell resumes after the connection drops (re-subscribed with afterSeq)", async () => {
    const socket = await IrisSocket.connect({ url, apiKey: key, createWebSocket, retryDelayMs: 20 });
    try {
      const events = await take(socket.tell({ toTeam: "alpha", message: "#drop" }), 10);
      assert.deepEqual(events.map((e) => e.event), ["tell:accepted", "tell:chunk", "tell:chunk", "tell:complete"]);
      assert.deepEqual(events.map(seq), [1, 2, 3, 4]);
      assert.equal(socket.reconnects, 1);
    } finally {
      socket.close();
    }
  });
});
