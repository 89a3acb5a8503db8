// @parley/protocol: what the widget, the inbox and the admin share to talk to the server.
// Tree-shaken: the widget's loader takes the request helper only; the chat chunk and the inbox
// also take the Markdown subset of AI text. The router is a separate entry
// (@parley/protocol/router) because it needs React.
export type * from "./frames.generated";
export type * from "./rest";
export { ApiError, request, send, type Call, type Endpoint } from "./request";
export {
  BACKOFF, CLOSE_AUTH, CLOSE_FORBIDDEN, CLOSE_RATE, CLOSE_RESTART, CONNECT_TIMEOUT_MS,
  ReconnectingSocket, backoffDelay, type Backoff, type SocketEnv, type SocketHooks,
  type SocketState, type StateDetail, type WebSocketLike,
} from "./socket";
export { type Block, type Inline, pageUrl, parseMarkdown, safeUrl } from "./markdown";
export { getItem, getJson, setItem } from "./storage";
export { SIGN_IN_KEY, loadSignIn, saveSignIn } from "./signin";
export { type TextPart, linkParts } from "./links";
