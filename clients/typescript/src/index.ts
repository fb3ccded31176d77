/**
 * @iris/client - a typed client for the Iris API.
 *
 * The types come from `./schema.ts`, generated from openapi/iris.yaml by openapi-typescript
 * (never edit it; `./dev gen` regenerates it). Requests go through openapi-fetch, so every path,
 * parameter, body and response is checked against the contract at compile time:
 *
 *     const iris = createIrisClient({ baseUrl: "http://127.0.0.1:1615", apiKey: process.env.IRIS_API_KEY });
 *     const { data, error } = await iris.POST("/api/teams/tell", { body: { toTeam: "alpha", message: "hi" } });
 *     const tell = unwrap(await iris.GET("/api/requests/{requestId}", { params: { path: { requestId } } }));
 *
 * Streams (SSE with resume, WebSocket) are in `./streams.ts`, also exported here.
 */
import createClient, { type Client, type ClientOptions } from "openapi-fetch";

import type { components, operations, paths } from "./schema.js";

import { IrisApiError } from "./errors.js";

export type { components, operations, paths } from "./schema.js";
export * from "./errors.js";
export * from "./streams.js";

/** Every schema of the contract: `Schemas["TellResponse"]`, `Schemas["Error"]`, ... */
export type Schemas = components["schemas"];
/** The name of an operation of the contract (`tell`, `getRequest`, ...). */
export type OperationId = keyof operations;

export type IrisClient = Client<paths, "application/json">;

export interface IrisClientOptions extends Omit<ClientOptions, "baseUrl"> {
  /** The server, e.g. `http://127.0.0.1:1615` (no `/api`: paths carry it). */
  baseUrl: string;
  /** An Iris API key (`iris_sk_...`), sent as `Authorization: Bearer <key>`. */
  apiKey?: string;
}

/** A client whose methods (`GET`, `POST`, `DELETE`) take the contract's paths and are typed by them. */
export function createIrisClient(options: IrisClientOptions): IrisClient {
  const { baseUrl, apiKey, headers, ...rest } = options;
  const auth: Record<string, string> = apiKey ? { Authorization: `Bearer ${apiKey}` } : {};
  return createClient<paths, "application/json">({
    ...rest,
    baseUrl: baseUrl.replace(/\/+$/, ""),
    headers: { ...auth, ...(headers as Record<string, string> | undefined) },
  });
}

/**
 * The `data` of an openapi-fetch result; throws `IrisApiError` for an error answer.
 *
 *     const status = unwrap(await iris.GET("/api/status"));
 */
export function unwrap<D>(result: { data?: D; error?: unknown; response: Response }): D {
  if (result.error !== undefined || !result.response.ok) {
    throw new IrisApiError(result.response.status, result.error);
  }
  return result.data as D;
}
