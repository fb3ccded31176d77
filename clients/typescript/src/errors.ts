/** Errors of the Iris client: the contract's `Error` shape as an exception. */
import type { components } from "./schema.js";

/** The shape of every non-2xx answer. */
export type ApiErrorBody = components["schemas"]["Error"];
/** An error class name (`ForbiddenError`, `TeamNotFoundError`, ...). */
export type ErrorName = components["schemas"]["ErrorName"];

/** An answer in the contract's `Error` shape (or any other non-2xx status), from a request or a stream. */
export class IrisApiError extends Error {
  readonly status: number;
  /** The parsed error body, when the server sent the contract's shape. */
  readonly body: ApiErrorBody | undefined;

  constructor(status: number, body: unknown) {
    const parsed = isApiError(body) ? body : undefined;
    super(parsed ? `HTTP ${status} ${parsed.error}: ${parsed.message}` : `HTTP ${status}`);
    this.name = "IrisApiError";
    this.status = status;
    this.body = parsed;
  }

  /** The error class name, e.g. `ForbiddenError`. */
  get errorName(): ErrorName | undefined {
    return this.body?.error;
  }

  /** `details` of the error: the offending `field`, the missing `permission`, the `team`, ... */
  get details(): Record<string, unknown> {
    return this.body?.details ?? {};
  }
}

/** Whether `value` has the contract's `Error` shape. */
export function isApiError(value: unknown): value is ApiErrorBody {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { error?: unknown }).error === "string" &&
    typeof (value as { message?: unknown }).message === "string" &&
    typeof (value as { statusCode?: unknown }).statusCode === "number"
  );
}
