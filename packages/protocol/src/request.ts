// The one REST helper: JSON in and out, the token as a Bearer header, every failure as an
// ApiError with the server's stable `code` (or "network", or "http_<status>").

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** How one app talks to the server. */
export interface Endpoint {
  /** Said when the server cannot be reached at all. */
  offline: string;
  /** Said when an error answer carries no message of its own. */
  failed(status: number): string;
  /** Cross-origin (the widget on a customer's page): `mode: "cors"`. */
  cors?: boolean;
  /** The token of the signed-in user, sent with every call. */
  token?(): string | null;
  /** The server said the token is no longer good (401 to a call that carried one). */
  unauthorized?(): void;
}

export interface Call {
  method?: string;
  /** Sent as JSON. */
  body?: unknown;
  /** Sent as is, as application/octet-stream (a file), instead of a JSON body. */
  raw?: Blob;
  /** A token for this call only (the widget's visitor token); else endpoint.token(). */
  token?: string | null;
}

/** The response of a call that succeeded; an ApiError otherwise. */
export async function send(endpoint: Endpoint, url: string, call: Call = {}): Promise<Response> {
  const token = call.token ?? endpoint.token?.() ?? null;
  const headers: Record<string, string> = { Accept: "application/json" };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (call.raw !== undefined) headers["Content-Type"] = "application/octet-stream";
  else if (call.body !== undefined) headers["Content-Type"] = "application/json";
  let resp: Response;
  try {
    resp = await fetch(url, {
      method: call.method ?? "GET", headers, credentials: "omit",
      ...(endpoint.cors ? { mode: "cors" as RequestMode } : {}),
      body: call.raw ?? (call.body === undefined ? undefined : JSON.stringify(call.body)),
    });
  } catch {
    throw new ApiError(0, "network", endpoint.offline);
  }
  if (resp.ok) return resp;
  let body: { error?: { code?: string; message?: string; fields?: Record<string, string> } } | null = null;
  try {
    body = await resp.json();
  } catch {
    // not JSON: the status says enough
  }
  const err = body?.error ?? {};
  if (resp.status === 401 && token) endpoint.unauthorized?.();
  throw new ApiError(resp.status, err.code ?? `http_${resp.status}`,
    err.message ?? endpoint.failed(resp.status), err.fields ?? {});
}

/** The JSON answer of a call (undefined for 204 No Content). */
export async function request<T>(endpoint: Endpoint, url: string, call: Call = {}): Promise<T> {
  const resp = await send(endpoint, url, call);
  return resp.status === 204 ? (undefined as T) : ((await resp.json()) as T);
}
