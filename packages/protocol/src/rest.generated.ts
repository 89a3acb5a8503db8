// Generated from docs/openapi.yaml by `npm run generate -w @parley/protocol`.
// Do not edit: change docs/openapi.yaml, then generate again.

export interface paths {
    "/api/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Liveness and database state
         * @description 200 while the database answers; 503 with the same body (`status: unavailable`,
         *     `database: down`) when it does not. Also says how the AI provider's last calls went
         *     (it never waits on the provider). Never needs authentication.
         */
        get: operations["getHealth"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Prometheus metrics of this process
         * @description The process's metrics in the Prometheus text format: open sockets by kind, messages
         *     by sender type, ack latency, queue length and oldest wait per widget, AI latency and
         *     tokens, database pool use, errors by code, HTTP requests, the Redis bus. Each process
         *     has its own; scrape every process. Served to a request carrying
         *     `Authorization: Bearer <PARLEY_METRICS_TOKEN>` or coming from an address in
         *     `PARLEY_METRICS_ALLOW` (default loopback, the client's address after trusted proxies);
         *     with neither setting, 404. nginx does not pass it on (docs/deploy.md).
         */
        get: operations["getMetrics"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/register": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Create a user
         * @description The first user ever registered becomes an admin and is signed in (the answer carries a
         *     token). After that an admin creates users (any role; no token in the answer), or,
         *     when `PARLEY_ALLOW_REGISTRATION` is on, anyone may sign up as an agent and is signed in.
         *     Otherwise 403 `registration_closed`; a signed-in non-admin gets 403 `admin_required`.
         */
        post: operations["register"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/login": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Sign in (admin UI)
         * @description Exchange an email and password for a JWT. Failed attempts are counted by account and
         *     client address, by address and by account, within `PARLEY_LOGIN_WINDOW_S` (15
         *     minutes): after `PARLEY_LOGIN_MAX_FAILURES` (5) on one account from one address, that
         *     address gets 429 `too_many_attempts` with `Retry-After` on that account, right
         *     password or not; after `PARLEY_LOGIN_MAX_FAILURES_PER_ADDRESS` (20) from one address
         *     on any accounts, on every account. An account is never refused: once it has had
         *     `PARLEY_LOGIN_MAX_FAILURES` failures from anywhere, every attempt on it is answered
         *     after a delay (0.25 s, doubling with each further failure, at most
         *     `PARLEY_LOGIN_SLOWDOWN_MAX_S`, 3 s).
         */
        post: operations["login"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/agent-login": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Sign in (agent UI)
         * @description The agent UI's sign-in; agents and admins (admins take chats too). Same body, answer
         *     and throttling as `POST /api/auth/login`.
         */
        post: operations["agentLogin"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The signed-in user */
        get: operations["getMe"];
        /**
         * Change one's own profile
         * @description Only the fields given change. `max_chats` null returns to the server default.
         *     `display_name` (1-100 characters) is the name visitors see, as written (no role is
         *     added to it): what the user sends from then on carries it, from the sockets they have
         *     open too. The avatar is set apart (`PUT /api/auth/me/avatar`), the password too
         *     (`POST /api/auth/password`).
         */
        put: operations["updateMe"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/me/settings": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The signed-in user's own settings
         * @description What the agent UI's profile page shows under its settings, by section. `notifications`: which team
         *     emails this user gets (docs/email.md): `waiting` (a visitor has waited
         *     PARLEY_NOTIFY_WAITING_S and nobody accepted), `offline_email` (a visitor left an email
         *     outside hours or with no agent online), `digest` (the daily digest of missed
         *     conversations) and `mention` (a teammate @mentioned them in a private note). All are on
         *     until the user turns them off.
         */
        get: operations["getMySettings"];
        /**
         * Change one's own settings
         * @description Only the sections and keys given change; the others keep their values. Everything
         *     is checked before anything is saved: an unknown section or key is
         *     `unknown_setting` (422), a value that is not `true` or `false` `invalid_type` (400),
         *     each with `fields` naming it (`notifications.digest`).
         */
        put: operations["updateMySettings"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/logout": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Sign out everywhere
         * @description Revokes every token of the signed-in user (on every device).
         */
        post: operations["logout"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/password": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Change one's own password
         * @description Checks the current password (403 `wrong_password`), applies the password rules
         *     (422 `weak_password`), revokes every older token and returns a fresh one. A wrong
         *     current password counts as a failed sign-in of the account from the caller's address:
         *     after `PARLEY_LOGIN_MAX_FAILURES` that address gets 429 `too_many_attempts` with
         *     `Retry-After` on this account for the window, here and at sign-in.
         */
        post: operations["changePassword"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/me/avatar": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Set one's own avatar
         * @description The body is the image's raw bytes (not multipart), streamed to a spool file, at most
         *     5 MiB (413 `file_too_large`, the connection then closed). The type comes from the
         *     content: JPEG, PNG, GIF or WebP, else 415 `file_type_not_allowed` (HTML, SVG, text
         *     and anything else); more than `PARLEY_IMAGE_MAX_PIXELS` is 422 `image_too_large`, a
         *     corrupt image 422 `image_unreadable`, an empty body 422 `file_empty`. The image is
         *     decoded off the event loop, cut to a square, scaled to at most 192 px and re-encoded
         *     as a PNG without any metadata (no EXIF, no GPS); the previous avatar is deleted. The
         *     user's `avatar_url` then names the new one (a new random id on each upload), which
         *     visitors see beside the agent's name in the widget.
         */
        put: operations["setMyAvatar"];
        post?: never;
        /** Remove one's own avatar */
        delete: operations["deleteMyAvatar"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/avatars/{avatarId}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description An avatar's id (32 hex characters, random, new on each upload). */
                avatarId: string;
            };
            cookie?: never;
        };
        /**
         * An avatar
         * @description A user's current avatar, a PNG Parley encoded (never the uploaded bytes), with
         *     `X-Content-Type-Options: nosniff`, `Content-Security-Policy: default-src 'none';
         *     sandbox`, `Cross-Origin-Resource-Policy: cross-origin` (the widget shows it on the
         *     site's pages) and a year's immutable caching (a new upload has a new id). Public by
         *     its unguessable id: visitors who are shown the agent's name see it, and need no token.
         *     404 `avatar_not_found` once it is replaced or removed, or for no such avatar.
         */
        get: operations["getAvatar"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/users": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List users (admin) */
        get: operations["listUsers"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/users/{userId}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A user's numeric id. Anything else is 404 `user_not_found`. */
                userId: components["parameters"]["userId"];
            };
            cookie?: never;
        };
        /** One user (admin) */
        get: operations["getUser"];
        put?: never;
        post?: never;
        /**
         * Delete a user (admin)
         * @description Their widgets lose their owner, their chats their agent. The last admin cannot be
         *     deleted (409 `last_admin`).
         */
        delete: operations["deleteUser"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/users/{userId}/role": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A user's numeric id. Anything else is 404 `user_not_found`. */
                userId: components["parameters"]["userId"];
            };
            cookie?: never;
        };
        get?: never;
        /**
         * Change a user's role (admin)
         * @description Revokes the user's tokens when the role changes. The last admin cannot be demoted
         *     (409 `last_admin`).
         */
        put: operations["setUserRole"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/users/{userId}/password": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A user's numeric id. Anything else is 404 `user_not_found`. */
                userId: components["parameters"]["userId"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Set a user's password (admin)
         * @description Applies the password rules and revokes every token of that user.
         */
        post: operations["setUserPassword"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/widgets/escalate/{siteKey}/{sessionId}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The widget's public site key (as in the script tag). */
                siteKey: components["parameters"]["siteKey"];
                /** @description The session's id (a UUID). */
                sessionId: components["parameters"]["sessionId"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Ask for a person
         * @description Puts the session in its widget's waiting queue with a reason code (default
         *     `explicit_request`) and turns the AI off in it. Idempotent: escalating a waiting
         *     session answers its current position. A closed session is 409 `session_closed`, one
         *     an agent already took is 409 `already_assigned`. `offline` is true when no agent of
         *     the widget is online, `outside_hours` when the widget is outside its business hours
         *     (the widget then offers to leave a message).
         *     Called by the visitor (visitor token) or by an agent of the widget (JWT).
         */
        post: operations["escalateSession"];
        delete?: never;
        /**
         * CORS preflight
         * @description 204 with CORS headers for an allowed Origin; 403 `origin_not_allowed` otherwise.
         */
        options: operations["escalateSessionPreflight"];
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/widgets/queue-position/{siteKey}/{sessionId}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The widget's public site key (as in the script tag). */
                siteKey: components["parameters"]["siteKey"];
                /** @description The session's id (a UUID). */
                sessionId: components["parameters"]["sessionId"];
            };
            cookie?: never;
        };
        /**
         * Place in the waiting queue
         * @description For a waiting session: its 1-based position, the agents of the widget online now and an
         *     estimated wait (median of recent waits × position ÷ free agent capacity; null when
         *     there is no history or nobody is online). For any other status the numbers are null.
         */
        get: operations["getQueuePosition"];
        put?: never;
        post?: never;
        delete?: never;
        /**
         * CORS preflight
         * @description 204 with CORS headers for an allowed Origin; 403 `origin_not_allowed` otherwise.
         */
        options: operations["getQueuePositionPreflight"];
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/widgets/{siteKey}/sessions": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The widget's public site key (as in the script tag). */
                siteKey: components["parameters"]["siteKey"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Start a conversation
         * @description Opens a visitor session on a widget and returns the visitor token (`pv_…`), the only
         *     key to it: keep it, it is never shown again. When the widget's pre-chat form is
         *     enabled, `prechat` answers are checked against its fields (required, email, tel,
         *     select options); answers to unknown fields are refused. An `identity_token` is
         *     verified (docs/identity.md); the widget's `enforce_identity` refuses a name or email
         *     without one (403 `identity_unverified`), `require_identity` every session without one
         *     (403 `identity_required`); a bad token is 403 with its `identity_token_*` code. At most
         *     `PARLEY_SESSIONS_PER_IP_PER_MINUTE` (30) sessions per client address per minute, then
         *     429 with `Retry-After`.
         */
        post: operations["createSession"];
        delete?: never;
        /**
         * CORS preflight
         * @description 204 with CORS headers for an allowed Origin; 403 `origin_not_allowed` otherwise.
         */
        options: operations["createSessionPreflight"];
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/widgets/{siteKey}/sessions/{sessionId}/messages": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The widget's public site key (as in the script tag). */
                siteKey: components["parameters"]["siteKey"];
                /** @description The session's id (a UUID). */
                sessionId: components["parameters"]["sessionId"];
            };
            cookie?: never;
        };
        /**
         * Conversation history
         * @description Messages with `seq` greater than `after_seq`, oldest first, at most `limit`;
         *     `has_more` says whether another page follows. Called by the visitor (visitor token)
         *     or by an agent of the widget (JWT).
         */
        get: operations["getMessages"];
        put?: never;
        post?: never;
        delete?: never;
        /**
         * CORS preflight
         * @description 204 with CORS headers for an allowed Origin; 403 `origin_not_allowed` otherwise.
         */
        options: operations["getMessagesPreflight"];
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/widgets/{siteKey}/visitor": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The widget's public site key (as in the script tag). */
                siteKey: components["parameters"]["siteKey"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * The visitor's conversations (the widget's home)
         * @description Called when the visitor opens the widget (docs/privacy.md, "Visitors and their
         *     conversations"). With this browser's device token (`visitorToken`, optional): the
         *     conversations of its visitor, newest first. With an `identity_token` (docs/identity.md):
         *     the verified visitor's conversations from every device, and a device token of theirs
         *     for this browser; a bad token is 403 with its `identity_token_*` code. Without either
         *     (or with a verified visitor's device token but no identity token): nothing, and nothing
         *     is stored.
         */
        post: operations["visitorHome"];
        delete?: never;
        /**
         * CORS preflight
         * @description 204 with CORS headers for an allowed Origin; 403 `origin_not_allowed` otherwise.
         */
        options: operations["visitorHomePreflight"];
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/widgets/{siteKey}/sessions/{sessionId}/reopen": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The widget's public site key (as in the script tag). */
                siteKey: components["parameters"]["siteKey"];
                /** @description The session's id (a UUID). */
                sessionId: components["parameters"]["sessionId"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Reopen an ended conversation
         * @description The visitor reopens one of their ended conversations: it is open again (with the AI
         *     when the widget has it, as a new conversation starts) and says so in a system message.
         *     An open conversation is returned as it is. While the visitor has another open
         *     conversation: 409 `visitor_has_open_conversation` (at most one is open, decided by the
         *     database). Only with the visitor's token: 401 `unauthorized` without one, 403
         *     `visitor_only` for an agent of the widget (agents reopen by accepting), 404 for anyone else.
         */
        post: operations["reopenSession"];
        delete?: never;
        /**
         * CORS preflight
         * @description 204 with CORS headers for an allowed Origin; 403 `origin_not_allowed` otherwise.
         */
        options: operations["reopenSessionPreflight"];
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/widgets/{siteKey}/sessions/{sessionId}/context": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The widget's public site key (as in the script tag). */
                siteKey: components["parameters"]["siteKey"];
                /** @description The session's id (a UUID). */
                sessionId: components["parameters"]["sessionId"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * The visitor's context (time zone, language, referrer, a page viewed, attributes)
         * @description Sent by the widget with the visitor token only (never before the conversation exists;
         *     docs/privacy.md): on the first interaction (time zone, language, referrer, the page),
         *     on each page then viewed, and for each `Parley.setAttributes` call. Every field is
         *     optional. `timezone` must be in the server's zoneinfo database; `language` a language
         *     tag; `referrer` and `page.url` http(s) URLs of at most 500 characters (kept without
         *     query or fragment); `page.title` at most 200 characters. The referrer is kept from the
         *     first report only. A page is added to the conversation's pages (the newest 20; the same
         *     URL as the newest one refreshes it). `attributes` are merged into the conversation's
         *     (null removes one): keys match `^[a-z][a-z0-9_]{0,39}$`, values are strings of at most
         *     200 characters, numbers (at most 2^53 - 1 in size), booleans or null, at most 30 in
         *     all. A refusal stores nothing of the update and says why with its code (422):
         *     `invalid_timezone`, `invalid_language`, `invalid_referrer`, `invalid_page`,
         *     `invalid_attributes`, `invalid_attribute_key`, `invalid_attribute_value`,
         *     `too_many_attributes`; 400 `invalid_type` for an unknown field; 403 `visitor_only` for
         *     an agent of the widget (agents read it, in `GET /api/agents/sessions/{sessionId}`;
         *     anyone else gets 404, as for no session). At most 60 updates per
         *     conversation per minute (429). The agents following the conversation get the new
         *     context as a `visitor_context` frame (docs/protocol.md).
         */
        post: operations["reportVisitorContext"];
        delete?: never;
        /**
         * CORS preflight
         * @description 204 with CORS headers for an allowed Origin; 403 `origin_not_allowed` otherwise.
         */
        options: operations["reportVisitorContextPreflight"];
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/widgets/{siteKey}/track": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The widget's public site key (as in the script tag). */
                siteKey: components["parameters"]["siteKey"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * A tracked visitor's page view or heartbeat (visitor_tracking only)
         * @description Sent by the widget's tracking chunk only when the widget's `visitor_tracking` is on
         *     (docs/privacy.md): on each page, every `interval_s` seconds while the page is open,
         *     and with `left` (navigator.sendBeacon, any content type) when the page goes away.
         *     `tracking_id` is the random id the widget keeps in localStorage (`parley:t:<siteKey>`).
         *     The visit lives in memory (or Redis) for 30 minutes after its last heartbeat; agents
         *     list it while it was seen in the last minute. The answer carries an agent's
         *     invitation to chat waiting for this visitor, if any; `dismiss` with its id drops it.
         *     Refusals: 404 `widget_not_found`, 403 `tracking_disabled` (the widget does not
         *     track), 422 `invalid_tracking_id`, `invalid_page`, `invalid_referrer`, 400
         *     `invalid_json`, 429 past 600 reports per address per minute.
         */
        post: operations["trackVisitor"];
        delete?: never;
        /**
         * CORS preflight
         * @description 204 with CORS headers for an allowed Origin; 403 `origin_not_allowed` otherwise.
         */
        options: operations["trackVisitorPreflight"];
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/widgets/{siteKey}/triggers": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The widget's public site key (as in the script tag). */
                siteKey: components["parameters"]["siteKey"];
            };
            cookie?: never;
        };
        /**
         * The widget's proactive-message triggers, with their counts
         * @description Every trigger of the widget (docs/widget.md, "Proactive triggers"), oldest first, with
         *     how often each was shown, opened and answered (`counts`: all days; `counts_30d`: the
         *     last 30 UTC days). For whoever sees the widget.
         */
        get: operations["listTriggers"];
        put?: never;
        /**
         * Add a trigger (the widget's owner or an admin)
         * @description `name` and `message` are required. Refusals: 422 `validation_failed` (with the
         *     fields), `trigger_needs_tracking` (`returning_visitor` on a widget without
         *     `visitor_tracking`), `too_many_triggers` (20 per widget); 409 `trigger_name_taken`;
         *     403 `not_owner`; 400 `invalid_type`.
         */
        post: operations["createTrigger"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/widgets/{siteKey}/triggers/{triggerId}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The widget's public site key (as in the script tag). */
                siteKey: components["parameters"]["siteKey"];
                triggerId: string;
            };
            cookie?: never;
        };
        get?: never;
        /**
         * Change a trigger (the widget's owner or an admin)
         * @description The fields given change; the others stay. 404 `trigger_not_found`, and the refusals
         *     of creating one.
         */
        put: operations["updateTrigger"];
        post?: never;
        /** Delete a trigger and its counts (the widget's owner or an admin) */
        delete: operations["deleteTrigger"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/widgets/{siteKey}/trigger-events": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The widget's public site key (as in the script tag). */
                siteKey: components["parameters"]["siteKey"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Count a trigger shown, or the chat opened from it
         * @description The widget's trigger chunk sends it (fetch with keepalive, text/plain, no
         *     credentials) when a trigger's bubble shows (`shown`) and when the visitor opens the
         *     chat from it (`opened`). It carries no identifier: only the trigger's count of the
         *     day goes up (docs/privacy.md). Answers are counted when the conversation starts
         *     (`trigger_id` of a new session). Refusals: 404 `widget_not_found`,
         *     `trigger_not_found` (not an enabled trigger of the widget), 422
         *     `invalid_trigger_event`, 429 past 120 events per address per minute.
         */
        post: operations["countTriggerEvent"];
        delete?: never;
        /**
         * CORS preflight
         * @description 204 with CORS headers for an allowed Origin; 403 `origin_not_allowed` otherwise.
         */
        options: operations["countTriggerEventPreflight"];
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/visitors": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The visitors on the sites of the agent's widgets now
         * @description The live list (docs/agents.md): visitors of the agent's widgets (every widget for an
         *     admin) that have `visitor_tracking` on, seen in the last minute, the most recent
         *     first, with their page, the pages viewed, time on site, country (with
         *     PARLEY_GEOIP_DB) and any invitation waiting.
         */
        get: operations["listLiveVisitors"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/visitors/{siteKey}/{trackingId}/invite": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The widget's public site key (as in the script tag). */
                siteKey: components["parameters"]["siteKey"];
                trackingId: string;
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Invite a visitor on the site to chat, with a first message
         * @description The visitor's widget shows the message on its next heartbeat; nothing is a
         *     conversation until the visitor answers: then it starts with this message, assigned
         *     to the agent. A newer invitation replaces one waiting; one unanswered for 10 minutes
         *     is dropped. Refusals: 404 `widget_not_found` (not one of the agent's widgets), 409
         *     `tracking_disabled`, 404 `visitor_not_found` (not on the site now), 409
         *     `visitor_chatting`, 422 `empty_message`, `invalid_message`, `message_too_long`.
         */
        post: operations["inviteVisitor"];
        /** Withdraw an invitation the visitor has not answered */
        delete: operations["withdrawInvitation"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/agents/stats": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The signed-in agent's dashboard numbers */
        get: operations["getAgentStats"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/agents/active-chats": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The signed-in agent's open chats
         * @description Sessions assigned to the signed-in agent and not closed. Each carries its `labels`;
         *     `label` and `widget` narrow the list (400 `invalid_filter` on a bad value or another
         *     parameter).
         */
        get: operations["listActiveChats"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/agents/waiting-sessions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The waiting queue
         * @description Waiting sessions of every widget the agent works on (admins see all), oldest first. Each
         *     carries its `labels`; `label` and `widget` narrow the list (400 `invalid_filter` on a
         *     bad value or another parameter).
         */
        get: operations["listWaitingSessions"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/agents/ai-sessions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The conversations the AI is handling
         * @description Open conversations of the widgets the agent works on (admins: all) that the AI
         *     answers, with no person in them and at least one visitor message, most recently active
         *     first. The inbox keeps the list current from its socket (`ai_session`,
         *     `ai_session_ended`; docs/protocol.md), where `ready.ai_sessions` is the same list.
         */
        get: operations["listAISessions"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/widgets": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List widgets
         * @description Admins see every widget; others the widgets they own or work on.
         */
        get: operations["listWidgets"];
        put?: never;
        /**
         * Create a widget
         * @description Any signed-in user may create a widget and owns it. Fields not given take their
         *     defaults; the server generates the `site_key` (192 random bits) to paste into the
         *     site's script tag.
         */
        post: operations["createWidget"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/widgets/stats/overview": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Session and message counts per widget
         * @description Every widget the caller can see (admins all), zeros included, and their totals.
         */
        get: operations["getWidgetStats"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/widgets/{siteKey}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The widget's public site key (as in the script tag). */
                siteKey: components["parameters"]["siteKey"];
            };
            cookie?: never;
        };
        /**
         * One widget's full configuration
         * @description For admins, its owner and its agents; 404 for anyone else.
         */
        get: operations["getWidget"];
        /**
         * Change a widget
         * @description Only the fields given change. Admins and the widget's owner may change it; its agents
         *     get 403 `not_owner`. Visitors see the change within the public config's cache time.
         */
        put: operations["updateWidget"];
        post?: never;
        /**
         * Delete a widget
         * @description Deletes the widget with its sessions and messages (admins and the owner).
         */
        delete: operations["deleteWidget"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/widgets/{siteKey}/config": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The widget's public site key (as in the script tag). */
                siteKey: components["parameters"]["siteKey"];
            };
            cookie?: never;
        };
        /**
         * The public widget configuration
         * @description What the embedded widget needs to render: looks, welcome message, pre-chat form,
         *     business hours. No authentication. Cached (`Cache-Control: public, max-age=60`) and
         *     revalidated with `ETag` / `If-None-Match` (304).
         */
        get: operations["getWidgetConfig"];
        put?: never;
        post?: never;
        delete?: never;
        /**
         * CORS preflight
         * @description 204 with CORS headers for an allowed Origin; 403 `origin_not_allowed` otherwise.
         */
        options: operations["getWidgetConfigPreflight"];
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/widgets/{siteKey}/availability": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The widget's public site key (as in the script tag). */
                siteKey: components["parameters"]["siteKey"];
            };
            cookie?: never;
        };
        /**
         * Could a person answer now
         * @description Whether the widget is inside its business hours (`open`) and whether any of its
         *     agents is online and not away (`agents_online`), so the widget can say "we reply by
         *     email" before the visitor asks for a person. No authentication; no counts or names.
         *     Cached (`Cache-Control: public, max-age=15`).
         */
        get: operations["getWidgetAvailability"];
        put?: never;
        post?: never;
        delete?: never;
        /**
         * CORS preflight
         * @description 204 with CORS headers for an allowed Origin; 403 `origin_not_allowed` otherwise.
         */
        options: operations["getWidgetAvailabilityPreflight"];
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/widgets/{siteKey}/agents": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The widget's public site key (as in the script tag). */
                siteKey: components["parameters"]["siteKey"];
            };
            cookie?: never;
        };
        /** The widget's agents */
        get: operations["listWidgetAgents"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/widgets/{siteKey}/agents/{userId}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The widget's public site key (as in the script tag). */
                siteKey: components["parameters"]["siteKey"];
                /** @description A user's numeric id. Anything else is 404 `user_not_found`. */
                userId: components["parameters"]["userId"];
            };
            cookie?: never;
        };
        get?: never;
        /**
         * Add an agent to the widget (admin)
         * @description Idempotent. Answers the widget's agents afterwards.
         */
        put: operations["addWidgetAgent"];
        post?: never;
        /**
         * Remove an agent from the widget (admin)
         * @description Idempotent. Answers the widget's agents afterwards.
         */
        delete: operations["removeWidgetAgent"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/widgets/{siteKey}/identity-secret": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The widget's public site key (as in the script tag). */
                siteKey: components["parameters"]["siteKey"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Create or rotate the widget's identity secret (owner or admin)
         * @description Generates the secret the site's server signs visitors' identities with
         *     (docs/identity.md) and answers it once: Parley keeps it encrypted and never shows it
         *     again. A widget that has one already needs `rotate: true` (else 409
         *     `identity_secret_exists`); the previous secret then stays valid for `grace_hours`
         *     (default 24, 0 for not at all), or until the rotation is finished.
         */
        post: operations["createIdentitySecret"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/widgets/{siteKey}/identity-secret/previous": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The widget's public site key (as in the script tag). */
                siteKey: components["parameters"]["siteKey"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Finish a rotation of the identity secret (owner or admin)
         * @description The previous secret stops being accepted now. Idempotent.
         */
        delete: operations["finishIdentityRotation"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/widgets/{siteKey}/knowledge": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The widget's public site key (as in the script tag). */
                siteKey: components["parameters"]["siteKey"];
            };
            cookie?: never;
        };
        /**
         * The widget's knowledge base
         * @description Every entry, oldest first, drafts included (the AI uses only the published ones);
         *     `status` keeps one kind. For admins, the owner and the widget's agents.
         */
        get: operations["listKnowledge"];
        put?: never;
        /**
         * Add an entry
         * @description A question and its answer (`qa`, the default) or an article. Admins and the widget's
         *     owner; its agents get 403 `not_owner`. The AI answers from it at once.
         */
        post: operations["createKnowledgeEntry"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/widgets/{siteKey}/knowledge/import": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The widget's public site key (as in the script tag). */
                siteKey: components["parameters"]["siteKey"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Import entries from Markdown or CSV
         * @description CSV: a header row with `question,answer` (Q&A pairs) or `title,body` (articles), or
         *     both kinds with a `kind` column. Markdown: each `#`–`###` heading starts an entry; a
         *     heading ending in `?` is a question and the text under it the answer, any other heading
         *     an article. All or nothing: a bad row is 422 `invalid_import` naming its line; at most
         *     1000 entries (422 `too_many_entries`). Admins and the widget's owner.
         */
        post: operations["importKnowledge"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/widgets/{siteKey}/knowledge/try": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The widget's public site key (as in the script tag). */
                siteKey: components["parameters"]["siteKey"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * What the AI would answer
         * @description Asks the offline knowledge responder a question: whether it would answer or decline
         *     and offer a person, why (one plain sentence), its reply, and the passages retrieval
         *     found (best first), each labelled a close, partial or weak match. Nothing is stored.
         */
        post: operations["tryKnowledge"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/widgets/{siteKey}/knowledge/gaps": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The widget's public site key (as in the script tag). */
                siteKey: components["parameters"]["siteKey"];
            };
            cookie?: never;
        };
        /**
         * The questions the AI could not answer
         * @description What visitors asked in the last `days` that the AI declined (it did not know) or
         *     hedged on (offered an entry it was not sure of, with a person), grouped by meaning
         *     (the embedding model; by shared words when it is off), the most asked first. Replies
         *     after the AI provider failed are not gaps. The newest 500 questions are looked at
         *     (`truncated` says when there were more). For admins, the owner and the widget's agents.
         *     docs/knowledge.md, "The gap loop".
         */
        get: operations["knowledgeGaps"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/widgets/{siteKey}/knowledge/{entryId}/publish": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The widget's public site key (as in the script tag). */
                siteKey: components["parameters"]["siteKey"];
                /** @description The entry's numeric id. Anything else is 404 `entry_not_found`. */
                entryId: string;
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Publish a draft answer
         * @description The AI uses the entry from now on (once its vectors are computed, in the background).
         *     The body may carry the reviewed `title` and `body` (only the fields given change).
         *     The entry no longer names the conversation it came from (`origin_session_id` null):
         *     erasing that conversation does not take the answer away. Publishing a published entry
         *     without changes returns it unchanged. Admins and the widget's owner.
         */
        post: operations["publishKnowledgeEntry"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/widgets/{siteKey}/knowledge/sources": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The widget's public site key (as in the script tag). */
                siteKey: components["parameters"]["siteKey"];
            };
            cookie?: never;
        };
        /**
         * The knowledge base's web pages, sites and documents
         * @description Each source with its sync's status and progress (`done` of `total` pages), its
         *     entries and how many of them have vectors yet (`embedded`), and what its last sync
         *     added, changed and removed. The widget's agents may read them (docs/knowledge.md).
         */
        get: operations["listKnowledgeSources"];
        put?: never;
        /**
         * Import a web page, a sitemap or a site
         * @description Adds the source and starts its first sync in the background (`status`: `queued`,
         *     then `syncing`, then `ready` or `failed`). Addresses are checked by the SSRF guard:
         *     private, loopback and link-local ones fail with `url_refused` unless
         *     PARLEY_FETCH_ALLOW lets them through. Admins and the widget's owner.
         */
        post: operations["addKnowledgeSource"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/widgets/{siteKey}/knowledge/sources/{sourceId}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The widget's public site key (as in the script tag). */
                siteKey: components["parameters"]["siteKey"];
                /** @description The knowledge source's numeric id. Anything else is 404 `source_not_found`. */
                sourceId: components["parameters"]["sourceId"];
            };
            cookie?: never;
        };
        /** A source and its sync's progress */
        get: operations["getKnowledgeSource"];
        /** Change a source's page limit or schedule */
        put: operations["updateKnowledgeSource"];
        post?: never;
        /** Delete a source and its entries */
        delete: operations["deleteKnowledgeSource"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/widgets/{siteKey}/knowledge/sources/{sourceId}/sync": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The widget's public site key (as in the script tag). */
                siteKey: components["parameters"]["siteKey"];
                /** @description The knowledge source's numeric id. Anything else is 404 `source_not_found`. */
                sourceId: components["parameters"]["sourceId"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Re-fetch a web source now
         * @description Queues the sync (it runs when no other source of the widget is syncing). A document
         *     is synced by uploading it again (409 `source_not_syncable`); a source being synced
         *     is 409 `sync_in_progress`.
         */
        post: operations["syncKnowledgeSource"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/widgets/{siteKey}/knowledge/files": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The widget's public site key (as in the script tag). */
                siteKey: components["parameters"]["siteKey"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Import a document (PDF, Word, HTML, Markdown, text)
         * @description The file's bytes are the body (not multipart), streamed; at most
         *     PARLEY_KB_MAX_FILE_BYTES (413 `file_too_large` as soon as it is declared or
         *     exceeded). Its text is extracted in a worker process before the answer; a file
         *     that cannot be used is 422 with a code (`file_broken`, `file_encrypted`,
         *     `file_empty`, `file_too_many_pages`, `file_type_unsupported`, `file_not_text`) and
         *     a message naming it, and nothing changes. `replace` makes it the new version of a
         *     document source: unchanged passages keep their vectors.
         */
        post: operations["uploadKnowledgeFile"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/widgets/{siteKey}/knowledge/{entryId}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The widget's public site key (as in the script tag). */
                siteKey: components["parameters"]["siteKey"];
                /** @description The entry's numeric id. Anything else is 404 `entry_not_found`. */
                entryId: string;
            };
            cookie?: never;
        };
        get?: never;
        /**
         * Change an entry
         * @description Only the fields given change. Admins and the widget's owner.
         */
        put: operations["updateKnowledgeEntry"];
        post?: never;
        /**
         * Delete an entry
         * @description Admins and the widget's owner.
         */
        delete: operations["deleteKnowledgeEntry"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/agents/history": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Search ended conversations
         * @description Closed and abandoned conversations of the widgets the agent works on (admins: all),
         *     newest first (by `closed_at`). With `q`, only those whose visitor name or email, or
         *     the text of any visitor, AI or agent message, or the name of a file sent in one,
         *     contains `q` (case-insensitive; `%` and `_` are taken literally); `match` is then the
         *     first message text that matched, else the first file name that did.
         *     The filters below narrow it further and combine (all must hold); a malformed value is
         *     400 `invalid_filter` with `fields` naming the parameter, an unknown parameter too.
         *     Each conversation carries its `labels`.
         */
        get: operations["searchHistory"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/agents/sessions/{sessionId}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The session's id (a UUID). */
                sessionId: components["parameters"]["sessionId"];
            };
            cookie?: never;
        };
        /**
         * One conversation and its visitor
         * @description A conversation of the agent's widgets (any status) in the agents' view, the agent
         *     assigned to it, and the same visitor's other conversations on that widget (matched by
         *     email, newest first, at most 10). Messages come from
         *     `GET /api/widgets/{siteKey}/sessions/{sessionId}/messages`.
         */
        get: operations["getSessionDetails"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/agents/sessions/{sessionId}/transcript": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The session's id (a UUID). */
                sessionId: components["parameters"]["sessionId"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Email the conversation's transcript to the visitor
         * @description Queues an email with the whole conversation so far (visitor, assistant and agent
         *     messages; system events as small lines), in the widget's brand and language, to the
         *     visitor's email (the one left for a reply, else the one given at the start). For any
         *     conversation of the agent's widgets, open or closed. Asking again before the
         *     conversation changes (a double click) queues nothing more and answers the same row.
         *     409 `mail_disabled` when the server sends no email, 409 `no_email` when the visitor
         *     gave no address.
         */
        post: operations["emailTranscript"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/agents/sessions/{sessionId}/save-answer": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The session's id (a UUID). */
                sessionId: components["parameters"]["sessionId"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Save an agent's reply as a draft answer
         * @description A draft Q&A entry in the widget's knowledge base: the question is the visitor's last
         *     message before the reply that is not a yes or a no (a yes to the AI's offer of a person
         *     answers the offer), the answer the reply's text, `origin_session_id` the
         *     conversation. The AI does not use it until an admin or the widget's owner publishes
         *     it (`POST /api/widgets/{siteKey}/knowledge/{entryId}/publish`). Any agent of the
         *     widget. 422 `not_an_agent_message` (a visitor's, the AI's or a system message),
         *     `no_question` (the visitor said nothing before it), `empty_message` (a reply with
         *     files only), `invalid_message_id`; 404 `message_not_found` (not in this
         *     conversation); 409 `already_saved` (this reply is saved already).
         */
        post: operations["saveAnswer"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/agents/sessions/{sessionId}/notes": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The session's id (a UUID). */
                sessionId: components["parameters"]["sessionId"];
            };
            cookie?: never;
        };
        /**
         * The team's private notes in a conversation
         * @description The private notes of a conversation of the agent's widgets (any status, assigned to
         *     the agent or not), oldest first, at most 500. Notes are written over the agent socket
         *     (`note` frames, docs/protocol.md); they take no seq and are never shown to the
         *     visitor. `mentions` are the ids of the teammates each note notified.
         */
        get: operations["listSessionNotes"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/agents/team": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The agents one can transfer to
         * @description The agents of the widgets the agent works on, and every admin, with their presence as
         *     this server process sees it (`presence` frames on the agent socket keep it current)
         *     and their load. An admin may receive transfers on any widget; an agent on the widgets
         *     listed.
         */
        get: operations["listTeam"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/canned-responses": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List canned responses
         * @description The saved replies an agent can insert with `/`: the global ones, those of the
         *     widgets the agent works on (admins: all) and the agent's own personal ones (nobody
         *     else's, admins included), by shortcut. With `site_key`, the global ones, that widget's
         *     and the agent's own. The text may hold variables the inbox fills in when inserting:
         *     `{{visitor.name}}`, `{{visitor.first_name}}`, `{{visitor.email}}`, `{{agent.name}}`,
         *     `{{agent.first_name}}`, each with an optional fallback, `{{visitor.name|there}}`.
         */
        get: operations["listCannedResponses"];
        put?: never;
        /**
         * Add a canned response
         * @description With `site_key`, for that widget (its owner or an admin); with `personal: true`, the
         *     caller's own (any signed-in user; seen and changed by them only); with neither, for
         *     every widget (admins only). A shortcut is unique per widget, among the global ones,
         *     and among one user's personal ones (409 `shortcut_taken`). The inboxes that may see
         *     the new response get a `canned_saved` frame (docs/protocol.md).
         */
        post: operations["createCannedResponse"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/canned-responses/{cannedId}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The canned response's numeric id. Anything else is 404 `canned_not_found`. */
                cannedId: string;
            };
            cookie?: never;
        };
        get?: never;
        /**
         * Change a canned response
         * @description Only the fields given change. The widget's owner or an admin; global responses: admins;
         *     a personal response: its owner only (404 for anybody else). It cannot move to another
         *     widget or scope. The inboxes that may see it get `canned_saved`.
         */
        put: operations["updateCannedResponse"];
        post?: never;
        /**
         * Delete a canned response
         * @description The widget's owner or an admin; global responses, admins; a personal response, its owner. The inboxes that could see it get `canned_deleted`.
         */
        delete: operations["deleteCannedResponse"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/analytics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Conversations over a period, as JSON or CSV
         * @description What became of the conversations started in a period: per local day, their number
         *     and outcome (the session's `resolution`: `ai_resolved`, `agent_resolved`,
         *     `abandoned`, or still `open`), how many were escalated, the median wait for an agent
         *     (`accepted_at - escalated_at`) and median first response (`first_agent_reply_at -
         *     accepted_at`); over the whole period, escalation reasons, ratings, a weekday x hour
         *     grid of when conversations start, and per-agent figures. Admins see every widget,
         *     others the widgets they own or work on; `site_key` narrows it to one (404 if the
         *     caller cannot see it). `chatctl stats` prints the same figures from the same queries.
         *
         *     With `format=csv`, the days as CSV (one row a day and a `total` row) as a download.
         */
        get: operations["getAnalytics"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/analytics/live": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The dashboard — now and today so far
         * @description Conversations open now (with the AI, waiting, with an agent), the longest wait, who is
         *     online (the agents' presence, as `GET /api/agents/team` shows it) and their load, and today's figures (the
         *     local day in `tz`) with conversations per hour. Cheap enough to poll every few seconds.
         */
        get: operations["getLiveAnalytics"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/openapi.json": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** This document, as JSON */
        get: operations["getOpenAPI"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/admin/outbox": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Emails of one status in the outbox (admin)
         * @description The outbox holds every email Parley has to send (docs/email.md). `pending`
         *     rows are listed by when they are due, the others newest first. A `failed` email is
         *     not tried again until it is retried (POST .../retry or `chatctl mail retry`).
         */
        get: operations["listOutbox"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/admin/outbox/counts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * How many emails of each status the outbox holds (admin)
         * @description For the admin UI's badge on its Mail page (failed > 0).
         */
        get: operations["countOutbox"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/admin/outbox/{emailId}/retry": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The email's id in the outbox. Anything else is 404 `outbox_not_found`. */
                emailId: string;
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Send a failed (or pending) email again, now (admin)
         * @description Back to pending, due now, its attempts counted afresh. 409 `outbox_not_retryable`
         *     for an email already sent or skipped.
         */
        post: operations["retryOutboxEmail"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/admin/audit": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The audit log of admin actions, newest first (admin)
         * @description Who changed which widget, user, knowledge base or outbox email, when and from where
         *     (docs/privacy.md, "Audit log"). Each entry was written in the same transaction as
         *     the change it records. `details` names what changed (field names, a role), never a
         *     password, token or secret value. Pages of `limit` entries: pass `next_cursor` back
         *     as `cursor` for the next, older page (null at the end). A filter that cannot be
         *     read is 400 `invalid_filter` (with `fields`); a cursor this API did not give is
         *     400 `invalid_cursor`. Agents get 403 `admin_required`.
         */
        get: operations["listAudit"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/admin/privacy/visitors": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The conversations of a visitor (admin)
         * @description Exactly one of `email` (matched without case against the visitor's email, the email
         *     they left when nobody answered and the pre-chat answers), `user_id` (the verified
         *     user id the site signed; one widget's, so `widget` is required: else 400
         *     `widget_required`) or `session_id`; `widget` narrows any of them to one widget
         *     (404 `widget_not_found`). Erased conversations are never found. Bad input is 400
         *     `invalid_query` (with `fields`). Agents get 403 `admin_required`.
         */
        get: operations["findVisitor"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/admin/privacy/export": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Download everything about a visitor as a ZIP (admin)
         * @description The same query as findVisitor. The ZIP holds `visitor.json` (format
         *     `parley.visitor-export`, version 1: every conversation with every message, pre-chat
         *     answers, identity, context, rating, the email left, the emails sent, the files'
         *     metadata; the team's private notes only with `notes=true`) and
         *     `files/<upload id>-<name>`, each file as stored. 404 `visitor_not_found` when nothing
         *     matches. Written to the audit log as `visitor.export` (the visitor named by a short
         *     hash and the session ids, never the email).
         */
        get: operations["exportVisitor"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/admin/privacy/erase": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Erase a visitor's personal data (admin)
         * @description The body holds the same query as findVisitor and `confirm`, which must repeat the
         *     email, user id or session id (400 `confirmation_mismatch` otherwise). Open
         *     conversations are closed first. Deleted: messages (email replies included), the
         *     team's notes, files and thumbnails, visitor tokens, the visitor context, outbox rows of
         *     the conversations and those addressed to the visitor's emails, anything in Redis that
         *     names them; the conversations' rows stay with every personal field blanked and
         *     `erased_at` set, so analytics count the same (docs/privacy.md). 404
         *     `visitor_not_found` when nothing (left) matches. Written to the audit log as
         *     `visitor.erase` with the counts.
         */
        post: operations["eraseVisitor"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/widgets/{siteKey}/sessions/{sessionId}/uploads": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The widget's public site key (as in the script tag). */
                siteKey: components["parameters"]["siteKey"];
                /** @description The session's id (a UUID). */
                sessionId: components["parameters"]["sessionId"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Upload a file
         * @description The body is the file's raw bytes (not multipart), streamed to a spool file as it
         *     arrives; its name goes in `name`. The route alone takes a body up to
         *     `PARLEY_MAX_UPLOAD_BYTES` (10 MiB): a larger one is 413 `file_too_large` as soon as it
         *     is declared or exceeded, and the connection is closed. The type comes from the content
         *     (never the name or `Content-Type`) and must be in `PARLEY_UPLOAD_TYPES` (else 415
         *     `file_type_not_allowed`; HTML, SVG and XML never pass). Images are decoded and
         *     re-encoded without metadata, with a thumbnail (max 320 px); one of more than
         *     `PARLEY_IMAGE_MAX_PIXELS` is 422 `image_too_large`, a corrupt one 422
         *     `image_unreadable`; an empty body is 422 `file_empty`. For a visitor: 403
         *     `uploads_off` when the widget takes no visitor files, 409 `session_closed` once the
         *     conversation ended, 429 `too_many_uploads` past `PARLEY_UPLOADS_PER_IP_PER_HOUR`. 413
         *     `session_storage_full` past `PARLEY_MAX_UPLOAD_BYTES_PER_SESSION`. The upload is
         *     referred to by a message's `files` (an upload no message refers to is deleted after
         *     `PARLEY_UPLOAD_ORPHAN_TTL_S`). Called by the visitor (visitor token) or by an agent
         *     who may see the session (JWT). See docs/attachments.md.
         */
        post: operations["uploadFile"];
        delete?: never;
        /**
         * CORS preflight
         * @description 204 with CORS headers for an allowed Origin; 403 `origin_not_allowed` otherwise.
         */
        options: operations["uploadFilePreflight"];
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/files/{uploadId}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description An upload's id (32 hex characters, random). */
                uploadId: components["parameters"]["uploadId"];
            };
            cookie?: never;
        };
        /**
         * Download a file
         * @description The stored file, streamed from the storage backend: an image as re-encoded at upload
         *     (`inline`), anything else as an `attachment`; always with `X-Content-Type-Options:
         *     nosniff` and a sandboxing CSP. Only for the visitor of the upload's conversation
         *     (any of its visitor tokens) and agents who may see it; 404 `file_not_found` for
         *     anyone else, a valid token of another conversation included.
         */
        get: operations["getFile"];
        put?: never;
        post?: never;
        delete?: never;
        /**
         * CORS preflight
         * @description 204 with CORS headers for an Origin the upload's widget allows; 403
         *     `origin_not_allowed` otherwise, 404 `file_not_found` for no such upload.
         */
        options: operations["getFilePreflight"];
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/files/{uploadId}/thumb": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description An upload's id (32 hex characters, random). */
                uploadId: components["parameters"]["uploadId"];
            };
            cookie?: never;
        };
        /**
         * Download an image's thumbnail
         * @description The thumbnail (at most 320 px; PNG for a GIF, else the image's own type), `inline`,
         *     with the same access rules and headers as the file; 404 `file_not_found` for a file
         *     without one.
         */
        get: operations["getFileThumb"];
        put?: never;
        post?: never;
        delete?: never;
        /**
         * CORS preflight
         * @description 204 with CORS headers for an Origin the upload's widget allows; 403
         *     `origin_not_allowed` otherwise, 404 `file_not_found` for no such upload.
         */
        options: operations["getFileThumbPreflight"];
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/labels": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List labels
         * @description Every label, by name, and the palette a label's colour is chosen from. Any signed-in
         *     agent or admin; admins also get `conversations`, how many conversations carry each
         *     label (what deleting it would touch).
         */
        get: operations["listLabels"];
        put?: never;
        /**
         * Add a label
         * @description Admins only (403 `admin_required`). The name (spaces collapsed, 1-40 characters) is
         *     unique whatever its case (409 `label_name_taken`); the colour is a name of the
         *     palette (`colors` of the list).
         */
        post: operations["createLabel"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/labels/{labelId}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A label's numeric id. Anything else is 404 `label_not_found`. */
                labelId: components["parameters"]["labelId"];
            };
            cookie?: never;
        };
        get?: never;
        /**
         * Rename or recolour a label
         * @description Admins only. Only the fields given change. The agents' open inboxes showing a
         *     conversation that carries it get a `labels` frame (docs/protocol.md).
         */
        put: operations["updateLabel"];
        post?: never;
        /**
         * Delete a label
         * @description Admins only. The label is taken off every conversation that carried it; the open
         *     inboxes showing one get a `labels` frame.
         */
        delete: operations["deleteLabel"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/agents/sessions/{sessionId}/labels": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The session's id (a UUID). */
                sessionId: components["parameters"]["sessionId"];
            };
            cookie?: never;
        };
        /**
         * A conversation's labels
         * @description The labels of a conversation of a widget the agent works on (admins: any), by name.
         *     Another widget's conversation is 404 `session_not_found`.
         */
        get: operations["getSessionLabels"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/agents/sessions/{sessionId}/labels/{labelId}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The session's id (a UUID). */
                sessionId: components["parameters"]["sessionId"];
                /** @description A label's numeric id. Anything else is 404 `label_not_found`. */
                labelId: components["parameters"]["labelId"];
            };
            cookie?: never;
        };
        get?: never;
        /**
         * Put a label on a conversation
         * @description Any agent of the conversation's widget (admins: any conversation), whatever its status.
         *     Adding a label it already carries changes nothing. When the labels change, every agent
         *     socket of the widget gets a `labels` frame (never the visitor).
         */
        put: operations["addSessionLabel"];
        post?: never;
        /**
         * Take a label off a conversation
         * @description As adding; removing a label it does not carry changes nothing.
         */
        delete: operations["removeSessionLabel"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/agents/views": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List my saved views
         * @description The signed-in user's saved history filters, by name (nobody else's).
         */
        get: operations["listSavedViews"];
        put?: never;
        /**
         * Save the history's filters under a name
         * @description `filters` uses the names of `GET /api/agents/history`'s parameters; they are checked as
         *     that request checks them (400 `invalid_filter`) and kept in a normal form (lists for
         *     `label` and `rating`, strings for the rest, empty ones left out). A name is unique among
         *     one's own views whatever its case (409 `view_name_taken`); at most 50 views
         *     (422 `too_many_views`).
         */
        post: operations["createSavedView"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/agents/views/{viewId}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description One of the caller's views' numeric id. Anything else, another user's included, is
                 *     404 `view_not_found`.
                 */
                viewId: string;
            };
            cookie?: never;
        };
        get?: never;
        /**
         * Rename a view or change its filters
         * @description Only the fields given change.
         */
        put: operations["updateSavedView"];
        post?: never;
        /** Delete a view */
        delete: operations["deleteSavedView"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        Upload: {
            /** @description 32 hex characters. */
            id: string;
            /** @description The sanitised file name. */
            name: string;
            /** @description The type decided from the content. */
            type: string;
            /** @description Bytes of the stored file (an image as re-encoded). */
            size: number;
            /** @description An image's width in pixels. */
            width: number | null;
            /** @description An image's height in pixels. */
            height: number | null;
            /** @description Whether /api/files/{id}/thumb serves a thumbnail. */
            thumb: boolean;
        };
        AuditEntry: {
            id: number;
            at: components["schemas"]["Timestamp"];
            actor: {
                /**
                 * @description A signed-in user, the operator at `chatctl`, or Parley itself.
                 * @enum {string}
                 */
                type: "user" | "chatctl" | "system";
                /** @description The user's id (null for chatctl). */
                id: number | null;
                /** @description The username at the time, or the OS user who ran chatctl. */
                name: string;
            };
            /**
             * @description Stable, dotted: `widget.create`, `widget.update`, `widget.delete`,
             *     `widget.agent_add`, `widget.agent_remove`, `user.create`, `user.role_change`,
             *     `user.password_reset`, `user.delete`, `knowledge.import`, `knowledge.update`,
             *     `knowledge.delete`, `knowledge.draft`, `knowledge.publish`, `canned.create`, `canned.update`, `canned.delete`,
             *     `label.create`, `label.update`, `label.delete`,
             *     `outbox.retry`, `outbox.retry_failed`.
             */
            action: string;
            /** @description `widget`, `user`, `canned`, `label`, `outbox`. */
            target_type: string;
            target_id: string | null;
            /** @description What changed (`fields` names, a role's `from` and `to`, a `count`). */
            details: Record<string, never>;
            /** @description The client's address (REST; null for chatctl). */
            ip: string | null;
        };
        OutboxCounts: {
            pending: number;
            failed: number;
            sent: number;
            /** @description Nothing was left to send when due. */
            skipped: number;
        };
        OutboxEmail: {
            id: number;
            /** @description What the email is (`test`, an agent's reply, a notification…). */
            kind: string;
            /** @description Its address (null when the kind finds its recipients when due). */
            recipient: string | null;
            /** @enum {string} */
            status: "pending" | "failed" | "sent" | "skipped";
            attempts: number;
            due_at: components["schemas"]["Timestamp"];
            created_at: components["schemas"]["Timestamp"];
            sent_at: components["schemas"]["Timestamp"] | null;
            /** @description The SMTP server's answer or the connection error of the last attempt. */
            last_error: string | null;
            session_id: string | null;
            /** @description A server process is delivering it right now. */
            leased: boolean;
        };
        Error: {
            error: {
                /** @description Stable, machine-readable (`validation_failed`, `widget_not_found`…). */
                code: string;
                /** @description For people; may change. */
                message: string;
                /** @description Each offending field (dotted path) and what is wrong with it. */
                fields?: {
                    [key: string]: string;
                };
            };
        };
        /**
         * Format: date-time
         * @description UTC, ISO-8601 with milliseconds and `Z`.
         */
        Timestamp: string;
        /** Format: date-time */
        NullableTimestamp: string | null;
        Health: {
            /** @enum {string} */
            status: "ok" | "unavailable";
            version: string;
            uptime_s: number;
            /** @enum {string} */
            database: "ok" | "down";
            /**
             * @description The AI responder's state from its last calls (cached; never a live probe). Null
             *     before the AI runner starts.
             */
            ai: null | {
                /** @enum {string} */
                default_provider: "openai" | "offline" | "none";
                openai?: components["schemas"]["ProviderStatus"];
            };
        };
        /** @description Present once the OpenAI-compatible provider is the default or has been called. */
        ProviderStatus: {
            provider: string;
            /** @enum {string} */
            status: "unknown" | "ok" | "failing";
            last_ok_at: components["schemas"]["NullableTimestamp"];
            last_error_at: components["schemas"]["NullableTimestamp"];
            last_error: string | null;
            consecutive_failures: number;
        };
        /** @description A signed JWT; send it as `Authorization: Bearer <token>`. */
        JWT: string;
        /** @enum {string} */
        Role: "admin" | "agent";
        /**
         * @description 8 characters to 72 bytes (bcrypt's limit), at least 4 different characters, not a
         *     common password, not the username or email; else 422 `weak_password`.
         */
        Password: string;
        /** @description An email address; stored in lower case. */
        Email: string;
        User: {
            id: number;
            username: string;
            email: string;
            role: components["schemas"]["Role"];
            /** @description The name visitors and teammates see, as it is (no role added to it). */
            display_name: string;
            /** @description Where the avatar is served (`/api/avatars/{id}`, relative); null for none. */
            avatar_url: string | null;
            /** @description Concurrent chats this agent takes; null means the server default. */
            max_chats: number | null;
            created_at: components["schemas"]["Timestamp"];
            last_login_at: components["schemas"]["NullableTimestamp"];
        };
        UserEnvelope: {
            user: components["schemas"]["User"];
        };
        SignedIn: {
            token: components["schemas"]["JWT"];
            user: components["schemas"]["User"];
        };
        AgentList: {
            agents: components["schemas"]["User"][];
        };
        NewUser: {
            /** @description Letters, digits, `.`, `_` and `-`; 2 to 64 characters; unique. */
            username: string;
            email: components["schemas"]["Email"];
            password: components["schemas"]["Password"];
            /** @description Default `agent`. Only an admin may create an admin. */
            role?: components["schemas"]["Role"];
            /** @description Shown to visitors; defaults to the username. */
            display_name?: string;
        };
        Credentials: {
            email: string;
            password: string;
        };
        ProfileUpdate: {
            display_name?: string;
            max_chats?: number | null;
        };
        /** @description A private note of the team in a conversation (docs/protocol.md, `note`). */
        Note: {
            id: number;
            session_id: string;
            author_id: number | null;
            author_name: string;
            text: string;
            mentions: number[];
            client_msg_id: string;
            /** Format: date-time */
            created_at: string;
        };
        /** @description Which team emails the user gets (docs/email.md, "What is sent when"). */
        NotificationSettings: {
            /** @description A visitor has waited PARLEY_NOTIFY_WAITING_S and nobody accepted. */
            waiting: boolean;
            /** @description A visitor left an email outside hours or while no agent was online. */
            offline_email: boolean;
            /** @description The daily digest of missed conversations (PARLEY_MAIL_DIGEST_HOUR, UTC). */
            digest: boolean;
            /** @description A teammate @mentioned the user in a private note. */
            mention: boolean;
        };
        MySettings: {
            notifications: components["schemas"]["NotificationSettings"];
        };
        MySettingsEnvelope: {
            settings: components["schemas"]["MySettings"];
        };
        MySettingsUpdate: {
            notifications?: {
                waiting?: boolean;
                offline_email?: boolean;
                digest?: boolean;
                mention?: boolean;
            };
        };
        /** @description A colour like `#007bff` (stored in lower case). */
        Color: string;
        /** @enum {string} */
        Position: "bottom-right" | "bottom-left";
        PrechatField: {
            /** @description Unique within the form; `name` and `email` also fill the visitor's name and email. */
            name: string;
            label: string;
            /** @enum {string} */
            type: "text" | "email" | "tel" | "textarea" | "select";
            /** @default false */
            required?: boolean;
            /**
             * @description The choices of a `select` field (at least one, each 1–100 characters; the first 50
             *     are kept). Ignored for other types.
             */
            options?: unknown[] | null;
        };
        /**
         * @description Opening hours per day in the widget's time zone: `[["09:00", "17:30"], …]`, each span
         *     with start < end (`24:00` allowed as an end). Days not listed are closed; null means
         *     always open.
         */
        BusinessHours: {
            mon?: components["schemas"]["DayHours"];
            tue?: components["schemas"]["DayHours"];
            wed?: components["schemas"]["DayHours"];
            thu?: components["schemas"]["DayHours"];
            fri?: components["schemas"]["DayHours"];
            sat?: components["schemas"]["DayHours"];
            sun?: components["schemas"]["DayHours"];
        } | null;
        DayHours: string[][];
        /** @description Per-widget AI overrides; a key left out (or null) uses the server's setting. */
        AISettings: {
            /** @enum {string|null} */
            provider?: "default" | "openai" | "offline" | null;
            model?: string | null;
            fallback_model?: string | null;
            system_prompt?: string | null;
            temperature?: number | null;
            max_tokens?: number | null;
            daily_token_budget?: number | null;
            visitor_message_limit?: number | null;
            language?: string | null;
        };
        /** @description Widget fields; creation fills the ones left out with defaults. */
        WidgetInput: {
            /** @default My business */
            business_name?: string;
            /** @default Chat with us */
            widget_title?: string;
            welcome_message?: string;
            /** @default #007bff */
            primary_color?: components["schemas"]["Color"];
            /** @default #6c757d */
            secondary_color?: components["schemas"]["Color"];
            /** @default bottom-right */
            position?: components["schemas"]["Position"];
            /** @default false */
            enable_prechat_form?: boolean;
            prechat_fields?: components["schemas"]["PrechatField"][];
            /**
             * @description Origins (`https://shop.example.com`, scheme and host and an optional port, no path)
             *     whose pages may embed the widget; normalised and de-duplicated, at most 50. Empty
             *     means only the server's own origin.
             */
            allowed_origins?: string[];
            business_hours?: components["schemas"]["BusinessHours"];
            /**
             * @description An IANA time zone such as `Europe/Paris`.
             * @default UTC
             */
            timezone?: string;
            language?: components["schemas"]["EmailLanguage"];
            /** @default true */
            ai_enabled?: boolean;
            /**
             * @description Visitors may send files (agents always may); docs/attachments.md.
             * @default true
             */
            visitor_uploads?: boolean;
            ai_settings?: components["schemas"]["AISettings"];
            /**
             * @description A visitor name or email without a signed identity token is refused (`identity_unverified`); anonymous visitors may still chat. docs/identity.md.
             * @default false
             */
            enforce_identity?: boolean;
            /**
             * @description Only visitors with a signed identity token may chat; anonymous ones are refused too (`identity_required`). docs/identity.md.
             * @default false
             */
            require_identity?: boolean;
            /**
             * @description Conversations that ended (closed or abandoned) more than this many days ago are erased by a scheduled task; null keeps them until deleted by hand. docs/privacy.md, "Retention". A change is an audit entry `widget.retention_update`.
             * @default null
             */
            retention_days?: number | null;
            /**
             * @description Hide the launcher while nobody is online outside business hours (the public config's `hidden_now`); a browser with a conversation going on still shows it.
             * @default false
             */
            hide_when_offline?: boolean;
            /**
             * @description The widget reports page views and presence before any interaction (a random tracking id in the visitor's localStorage), for the agents' live list of visitors and the pages viewed before a chat. Off, the widget stores and sends nothing before the visitor acts. docs/privacy.md.
             * @default false
             */
            visitor_tracking?: boolean;
            text_overrides?: components["schemas"]["TextOverrides"];
        };
        /**
         * @description The admin's texts instead of the widget's defaults, per language and text:
         *     `{"fr": {"panel.placeholder": "Votre question…"}}`. Languages: those of
         *     `EmailLanguage`; keys: those of widget/src/i18n/en.json (a plural text by its form,
         *     `launcher.unread.one`; docs/widget.md "Overriding texts"). Each text is one line of at
         *     most 500 characters, trimmed; an empty text removes the override. The whole map is at
         *     most 16,000 characters as JSON (it is part of the public config). A PUT replaces the
         *     whole map. Anything else is 422 `validation_failed` with `fields["text_overrides…"]`.
         */
        TextOverrides: {
            [key: string]: {
                [key: string]: string;
            };
        };
        FoundConversation: {
            session_id?: string;
            widget?: {
                site_key?: string;
                business_name?: string;
            };
            status?: string;
            /** Format: date-time */
            created_at?: string;
            closed_at?: components["schemas"]["NullableTimestamp"];
            visitor_name?: string | null;
            visitor_email?: string | null;
            visitor_user_id?: string | null;
            verified?: boolean;
            offline_email?: string | null;
            messages?: number;
            files?: number;
        };
        /**
         * @description The widget's default language: the widget shows a visitor the first of their browser's
         *     languages it has, else this one (docs/widget.md "Languages"). Also the language of the
         *     emails sent to this widget's visitors (replies, transcripts): English, Spanish, French
         *     or German, English for the others. Anything else is 422 `validation_failed`
         *     (`fields.language`).
         * @default en
         * @enum {string}
         */
        EmailLanguage: "en" | "es" | "fr" | "de" | "pt" | "it" | "nl" | "ar";
        StoredPrechatField: {
            name: string;
            label: string;
            /** @enum {string} */
            type: "text" | "email" | "tel" | "textarea" | "select";
            required: boolean;
            options?: string[];
        };
        Widget: {
            id: number;
            site_key: string;
            /** @description The user who created it; null once that user is deleted. */
            owner_id: number | null;
            business_name: string;
            widget_title: string;
            welcome_message: string;
            primary_color: string;
            secondary_color: string;
            position: components["schemas"]["Position"];
            enable_prechat_form: boolean;
            prechat_fields: components["schemas"]["StoredPrechatField"][];
            allowed_origins: string[];
            business_hours: components["schemas"]["BusinessHours"];
            timezone: string;
            language: components["schemas"]["EmailLanguage"];
            ai_enabled: boolean;
            visitor_uploads: boolean;
            ai_settings: components["schemas"]["AISettings"];
            enforce_identity: boolean;
            require_identity: boolean;
            /** @description Days after which ended conversations are erased; null = never. */
            retention_days: number | null;
            visitor_tracking: boolean;
            hide_when_offline: boolean;
            text_overrides: components["schemas"]["TextOverrides"];
            /** @description The widget has an identity secret (never shown again; docs/identity.md). */
            identity_secret_set: boolean;
            /** @description During a rotation, until when the previous secret stays valid; else null. */
            identity_previous_until: components["schemas"]["NullableTimestamp"];
            created_at: components["schemas"]["Timestamp"];
            updated_at: components["schemas"]["Timestamp"];
        };
        WidgetEnvelope: {
            widget: components["schemas"]["Widget"];
        };
        /** @description The visitor-facing subset of a widget. */
        PublicConfig: {
            /** @description With `hide_when_offline`, true while nobody is online and it is outside business hours (computed at each request); the launcher is not shown then, unless this browser has a conversation going on. */
            hidden_now: boolean;
            hide_when_offline: boolean;
            site_key: string;
            business_name: string;
            widget_title: string;
            welcome_message: string;
            primary_color: string;
            secondary_color: string;
            position: components["schemas"]["Position"];
            enable_prechat_form: boolean;
            prechat_fields: components["schemas"]["StoredPrechatField"][];
            business_hours: components["schemas"]["BusinessHours"];
            timezone: string;
            ai_enabled: boolean;
            /** @description The visitor may send files (POST .../uploads). */
            visitor_uploads: boolean;
            /** @description Only visitors with a signed identity token may chat (docs/identity.md); the widget shows a sign-in message instead of the composer without one. */
            require_identity: boolean;
            /** @description The widget loads its tracking chunk and reports page views and presence before any interaction (POST .../track; docs/privacy.md). */
            visitor_tracking: boolean;
            /** @description The enabled proactive-message triggers (docs/widget.md); the widget loads its trigger chunk only when there is one. Returning-visitor ones only with visitor_tracking on. */
            triggers: components["schemas"]["PublicTrigger"][];
            /** @description The widget's default language, for visitors whose browser has none of the widget's languages (docs/widget.md "Languages"). */
            language: components["schemas"]["EmailLanguage"];
            /** @description The admin's texts, all languages' (the widget uses the visitor's). */
            text_overrides: components["schemas"]["TextOverrides"];
            /** @description The server's limits on files (it checks them again). */
            uploads: {
                /** @description Largest file (PARLEY_MAX_UPLOAD_BYTES). */
                max_bytes: number;
                /** @description Files per message (PARLEY_MAX_FILES_PER_MESSAGE). */
                max_files: number;
                /** @description Types accepted (decided from the content, PARLEY_UPLOAD_TYPES). */
                types: string[];
            };
            /**
             * @description The server sends email: the widget offers the visitor the transcript by email
             *     when they end the conversation.
             */
            mail: boolean;
        };
        WidgetCounts: {
            sessions: number;
            escalations: number;
            waiting: number;
            assigned: number;
            active: number;
            closed: number;
            ai_resolved: number;
            agent_resolved: number;
            abandoned: number;
            messages: number;
        };
        StatsOverview: {
            totals: components["schemas"]["WidgetCounts"];
            widgets: {
                id: number;
                site_key: string;
                business_name: string;
                sessions: number;
                escalations: number;
                waiting: number;
                assigned: number;
                active: number;
                closed: number;
                ai_resolved: number;
                agent_resolved: number;
                abandoned: number;
                messages: number;
            }[];
        };
        KnowledgeEntryInput: {
            /**
             * @default qa
             * @enum {string}
             */
            kind?: "qa" | "article";
            /** @description The question (`qa`) or the article's title. */
            title?: string;
            /** @description The answer or the article's text. */
            body?: string;
        };
        KnowledgeEntry: {
            id: number;
            /** @enum {string} */
            kind: "qa" | "article";
            title: string;
            body: string;
            /**
             * @description `draft`: saved from an agent's reply, not used by the AI until published.
             * @enum {string}
             */
            status: "draft" | "published";
            /** @description The web page the entry was imported from (null for a typed entry). */
            url: string | null;
            /** @description The knowledge source the entry was imported from (null for a typed entry). */
            source_id: number | null;
            /** @description The conversation a draft was saved from (null once published). */
            origin_session_id: string | null;
            created_at: components["schemas"]["Timestamp"];
            updated_at: components["schemas"]["Timestamp"];
        };
        KnowledgeGaps: {
            days: number;
            /**
             * @description `meaning`: by the embedding model; `words`: by shared words (the model is off).
             * @enum {string}
             */
            grouped_by: "meaning" | "words";
            /** @description The unanswered questions found in the window. */
            questions: number;
            /** @description More than the 500 newest were asked: the older ones are left out. */
            truncated: boolean;
            groups: {
                /** @description The group's newest wording. */
                question: string;
                count: number;
                /** @description The AI said it did not know. */
                declined: number;
                /** @description The AI offered an entry it was not sure of. */
                hedged: number;
                last_at: components["schemas"]["Timestamp"];
                /** @description Conversations it was asked in, newest first. */
                examples: {
                    session_id: string;
                    question: string;
                    at: components["schemas"]["Timestamp"];
                }[];
                languages: string[];
            }[];
        };
        KnowledgeSource: {
            id: number;
            /** @enum {string} */
            kind: "page" | "sitemap" | "site" | "file";
            url: string | null;
            name: string;
            max_pages: number;
            sync_hours: number | null;
            /** @enum {string} */
            status: "queued" | "syncing" | "ready" | "failed";
            /** @description Pages fetched so far (or of the last sync). */
            done: number;
            total: number;
            /** @description Why the last sync failed (the previous version stays in use). */
            error: null | {
                code: string;
                message: string;
            };
            /** @description What the last successful sync changed (titles, at most 50 each; `counts` whole) and the pages that failed. */
            result: Record<string, never> | null;
            entries: number;
            /** @description Entries with vectors of the running model (the rest are being computed). */
            embedded: number;
            synced_at: components["schemas"]["NullableTimestamp"];
            next_sync_at: components["schemas"]["NullableTimestamp"];
            created_at: components["schemas"]["Timestamp"];
        };
        KnowledgeSourceEnvelope: {
            source: components["schemas"]["KnowledgeSource"];
        };
        KnowledgeEntryEnvelope: {
            entry: components["schemas"]["KnowledgeEntry"];
        };
        KnowledgeTry: {
            /**
             * @description `answer`: the assistant would reply (from the entry marked `used`, or to a
             *     greeting or thanks without the knowledge base). `hedge`: a likely but not certain
             *     match: it would offer the entry marked `used` as what might help, and offer a
             *     person. `decline`: no entry is close enough, so it would say it does not know and
             *     offer a person.
             * @enum {string}
             */
            decision: "answer" | "hedge" | "decline";
            /**
             * @description The decision in one plain sentence, to show as is, e.g. "Found “How long does
             *     shipping take?” — a close match: the assistant would answer with it." or "The
             *     closest entry, “Warranty”, is not close enough: the assistant would say it doesn't
             *     know and offer a person."
             */
            explanation: string;
            /** @description The assistant's reply (its "I don't know" when it declines). */
            answer: string;
            /**
             * @description `meaning`: by the embedding model, in any language (the knowledge base's vectors
             *     exist). `keywords`: BM25, while they are computed or with PARLEY_AI_DENSE off.
             * @enum {string}
             */
            search: "meaning" | "keywords";
            /** @description Whether the best passage is close enough to the question to answer from (its similarity reaches PARLEY_AI_MIN_SIMILARITY, or without vectors its coverage rule holds). */
            confident: boolean;
            /** @description The responder found nothing to answer from (a person would be offered); `decision` is `decline`. */
            no_match: boolean;
            /** @description What retrieval found, best first (at most 3). */
            passages: {
                entry_id: number;
                title: string;
                text: string;
                /**
                 * @description How close the passage is to the question, to show instead of a score:
                 *     `close` is enough to answer from, `partial` falls a little short (rewording
                 *     the entry's question would likely reach it), `weak` is far off.
                 * @enum {string}
                 */
                match: "close" | "partial" | "weak";
                /** @description The answer is this passage (never true when the decision is `decline`). */
                used: boolean;
                /** @description The cosine similarity when the knowledge base has vectors, else BM25 relevance (relative to this knowledge base, above 0). */
                score: number;
                /** @description The share of the question's words the passage contains (0 when found by similarity). */
                coverage: number;
                /** @description Cosine similarity with the question (multilingual-e5-small); null until the knowledge base's vectors exist. */
                similarity: number | null;
            }[];
        };
        /**
         * @description `active` with the AI, `waiting` in the human queue, `assigned` to an agent, then
         *     `closed` or `abandoned`.
         * @enum {string}
         */
        SessionStatus: "active" | "waiting" | "assigned" | "closed" | "abandoned";
        /** @enum {string} */
        EscalationReason: "explicit_request" | "frustration" | "repeated_failure" | "no_knowledge_match" | "model_request" | "ai_error" | "budget_exhausted" | "email_reply";
        NewSession: {
            /**
             * @description The visitor's identity, signed by the site's server: an HS256 JWT with the widget's
             *     identity secret (docs/identity.md). When valid, the session's name, email and user
             *     id come from it (and `visitor_verified` is true); when not, 403 with an
             *     `identity_*` code. Anything claimed beside it is ignored.
             */
            identity_token?: string;
            /**
             * @description This browser's device token from an earlier conversation (docs/privacy.md,
             *     "Visitors and their conversations"): the conversation belongs to the same visitor.
             *     Unknown, another widget's or a verified visitor's without their identity token: a
             *     new anonymous visitor (no error).
             */
            visitor_token?: string;
            visitor_name?: string;
            visitor_email?: components["schemas"]["Email"];
            /**
             * @description With the widget's `visitor_tracking` on: the widget's tracking id. The pages viewed
             *     before the chat go into the conversation's context, and an agent's invitation
             *     waiting for this visitor starts the conversation with the agent's message,
             *     assigned to them (docs/privacy.md). 422 `invalid_tracking_id`; ignored when the
             *     widget does not track.
             */
            tracking_id?: string;
            /**
             * @description The proactive-message trigger the visitor answered (docs/widget.md): the
             *     conversation starts with the trigger's message (from the AI, in the business's
             *     name) and the trigger's answers count goes up. 422 `invalid_trigger_id` when not an
             *     integer; ignored when the trigger is no longer an enabled one of the widget.
             */
            trigger_id?: number;
            /** @description The page the chat was opened on (an http(s) URL). */
            page_url?: string;
            /**
             * @description The visitor's IANA time zone (e.g. `Europe/Paris`, from
             *     `Intl.DateTimeFormat().resolvedOptions().timeZone`), so agents see their local time.
             */
            timezone?: string;
            /**
             * @description Answers to the widget's pre-chat form, by field name (textarea answers up to 2000
             *     characters, others up to 200).
             */
            prechat?: {
                [key: string]: string;
            };
        };
        VisitorSession: {
            /** Format: uuid */
            session_id: string;
            site_key: string;
            visitor_name: string | null;
            visitor_email: string | null;
            status: components["schemas"]["SessionStatus"];
            /** @description Whether the AI answers in this session (off once a person is asked for). */
            ai_mode: boolean;
            escalated_at: components["schemas"]["NullableTimestamp"];
            /** @description The sequence number of the newest message. */
            last_seq: number;
            created_at: components["schemas"]["Timestamp"];
            /** @description The person in the conversation (while one is), as the visitor sees them. */
            agent?: null | {
                id: number;
                display_name: string | null;
                /** @description Their picture (`/api/avatars/{id}`, public); absent when none. */
                avatar_url?: string;
            };
        };
        NewSessionResult: {
            /** Format: uuid */
            session_id: string;
            site_key: string;
            visitor_name: string | null;
            visitor_email: string | null;
            status: components["schemas"]["SessionStatus"];
            /** @description Whether the AI answers in this session (off once a person is asked for). */
            ai_mode: boolean;
            escalated_at: components["schemas"]["NullableTimestamp"];
            /** @description The sequence number of the newest message. */
            last_seq: number;
            created_at: components["schemas"]["Timestamp"];
            /** @description The person in the conversation (while one is), as the visitor sees them. */
            agent?: null | {
                id: number;
                display_name: string | null;
                /** @description Their picture (`/api/avatars/{id}`, public); absent when none. */
                avatar_url?: string;
            };
            /**
             * @description This browser's device token (`visitorToken`): it opens every conversation of the
             *     visitor. The one sent when it was theirs; otherwise a new one, shown only once.
             */
            visitor_token: string;
            /**
             * @description True (and status 200) when the visitor already had an open conversation (another
             *     tab started one at the same instant): that one is returned, no new one is made.
             */
            existing: boolean;
        };
        VisitorHome: {
            /**
             * @description This browser's device token; null for an anonymous visitor who has none yet (nothing
             *     is made for them). A verified visitor's device gets one here.
             */
            visitor_token: string | null;
            verified: boolean;
            open_session_id: string | null;
            /** @description The visitor's conversations, newest first. */
            conversations: {
                /** Format: uuid */
                session_id: string;
                status: components["schemas"]["SessionStatus"];
                created_at: components["schemas"]["Timestamp"];
                last_activity_at: components["schemas"]["Timestamp"];
                last_seq: number;
                last_message: string | null;
            }[];
        };
        /** @description What agents see of a session. */
        AgentSession: {
            /** Format: uuid */
            session_id: string;
            site_key: string;
            visitor_name: string | null;
            visitor_email: string | null;
            status: components["schemas"]["SessionStatus"];
            /** @description Whether the AI answers in this session (off once a person is asked for). */
            ai_mode: boolean;
            escalated_at: components["schemas"]["NullableTimestamp"];
            /** @description The sequence number of the newest message. */
            last_seq: number;
            created_at: components["schemas"]["Timestamp"];
            /** @description The person in the conversation (while one is), as the visitor sees them. */
            agent?: null | {
                id: number;
                display_name: string | null;
                /** @description Their picture (`/api/avatars/{id}`, public); absent when none. */
                avatar_url?: string;
            };
            /** @description What the visitor told and where they came from. */
            visitor_info: {
                prechat?: {
                    [key: string]: string;
                };
                page_url?: string | null;
                user_agent?: string;
                ip?: string;
                /** @description The visitor's IANA time zone, when the widget sent it. */
                timezone?: string | null;
                /** @description The custom attributes of a verified identity (docs/identity.md). */
                identity_attributes?: {
                    [key: string]: string | number | boolean | null;
                };
            };
            /** @description The site's server signed the visitor's identity (docs/identity.md); otherwise the name and email are only what the visitor or the page claimed. */
            visitor_verified?: boolean;
            /** @description The visitor's user id on the site (the identity token's `sub`), when verified. */
            visitor_user_id?: string | null;
            assigned_agent_id: number | null;
            escalation_reason: string | null;
            accepted_at: components["schemas"]["NullableTimestamp"];
            first_agent_reply_at: components["schemas"]["NullableTimestamp"];
            closed_at: components["schemas"]["NullableTimestamp"];
            last_activity_at: components["schemas"]["Timestamp"];
            resolution: string | null;
            rating: number | null;
            /** @description The visitor's optional words with the rating (the socket's `close` frame). */
            rating_comment: string | null;
            offline_email: string | null;
            offline_note: string | null;
            /** @description The start of the newest message (lists only); for a message of files alone, "📎" and one of its file names. */
            last_message?: string | null;
            /** @description The start of the visitor's own newest message (lists only), the question a waiting card shows, rather than the AI's last line. */
            last_visitor_message?: string | null;
            /** @description The widget's business name (lists only). */
            widget_name?: string;
            /** @description The conversation's labels, by name (history, details, socket lists). */
            labels?: components["schemas"]["Label"][];
        };
        AgentSessionList: {
            sessions: components["schemas"]["AgentSession"][];
        };
        Message: {
            session_id: string;
            id: number;
            /** @description Increases by one per message within the session. */
            seq: number;
            /** @enum {string} */
            sender_type: "visitor" | "ai" | "agent" | "system";
            sender_name: string | null;
            text: string;
            created_at: components["schemas"]["Timestamp"];
            /** @description The sender's id for the message (dedupe key within the session). */
            client_msg_id: string;
            /** @description AI messages only, when the answer comes from the knowledge base — the entries it quotes or cites, in order. */
            sources?: components["schemas"]["Source"][];
            /**
             * @description AI messages only — the message offers a person; a yes hands over.
             * @enum {string}
             */
            offer?: "person";
            /** @description Visitor and agent messages — the files sent with it, in the order sent (absent when none). Download from `GET /api/files/{id}`. */
            files?: components["schemas"]["Upload"][];
            /**
             * @description System messages only — what happened, so a client renders it in its reader's language from `code` and `params` (`text` is the English). Absent on other messages, and on old system messages the migration could not code. The codes and their params are tabled in docs/protocol.md ("System messages").
             * @enum {string}
             */
            code?: "joined" | "taken_over" | "reopened" | "visitor_reopened" | "transfer" | "hand_back" | "closed" | "abandoned" | "email" | "escalated" | "email_reopened" | "email_escalated";
            /** @description System messages with a `code` — the names its text takes (agents' display names; `{}` when none), never translated text. */
            params?: {
                [key: string]: string;
            };
        };
        Source: {
            id: number;
            title: string;
            url: string | null;
        };
        History: {
            messages: components["schemas"]["Message"][];
            has_more: boolean;
            last_seq: number;
            status: components["schemas"]["SessionStatus"];
        };
        QueuePosition: {
            session_id: string;
            status: components["schemas"]["SessionStatus"];
            /** @description 1 is next; null unless waiting. */
            position: number | null;
            /** @description Null when there is no history to estimate from or nobody is online. */
            estimated_wait_s: number | null;
            agents_online: number | null;
        };
        Escalation: {
            session_id: string;
            status: components["schemas"]["SessionStatus"];
            position: number | null;
            estimated_wait_s: number | null;
            agents_online: number | null;
            /** @enum {string|null} */
            reason: "explicit_request" | "frustration" | "repeated_failure" | "no_knowledge_match" | "model_request" | "ai_error" | "budget_exhausted" | "email_reply" | null;
            /** @description The system message this escalation added; null when already waiting. */
            event: components["schemas"]["Message"] | null;
            /** @description True when no agent of the widget is online. */
            offline: boolean;
            /** @description True when the widget is outside its business hours right now. */
            outside_hours?: boolean;
        };
        AgentStats: {
            active_chats: number;
            /** @description Sessions waiting in the agent's widgets. */
            waiting: number;
            closed_today: number;
            max_chats: number;
            /** @description Widgets the agent works on (admins count all). */
            widgets: number;
            /** @enum {string} */
            status: "online" | "away" | "offline";
        };
        /** @description An ended conversation in the history (the agents' view, and more). */
        HistorySession: {
            /** Format: uuid */
            session_id: string;
            site_key: string;
            visitor_name: string | null;
            visitor_email: string | null;
            status: components["schemas"]["SessionStatus"];
            /** @description Whether the AI answers in this session (off once a person is asked for). */
            ai_mode: boolean;
            escalated_at: components["schemas"]["NullableTimestamp"];
            /** @description The sequence number of the newest message. */
            last_seq: number;
            created_at: components["schemas"]["Timestamp"];
            /** @description The person in the conversation (while one is), as the visitor sees them. */
            agent?: null | {
                id: number;
                display_name: string | null;
                /** @description Their picture (`/api/avatars/{id}`, public); absent when none. */
                avatar_url?: string;
            };
            /** @description What the visitor told and where they came from. */
            visitor_info: {
                prechat?: {
                    [key: string]: string;
                };
                page_url?: string | null;
                user_agent?: string;
                ip?: string;
                /** @description The visitor's IANA time zone, when the widget sent it. */
                timezone?: string | null;
                /** @description The custom attributes of a verified identity (docs/identity.md). */
                identity_attributes?: {
                    [key: string]: string | number | boolean | null;
                };
            };
            /** @description The site's server signed the visitor's identity (docs/identity.md); otherwise the name and email are only what the visitor or the page claimed. */
            visitor_verified?: boolean;
            /** @description The visitor's user id on the site (the identity token's `sub`), when verified. */
            visitor_user_id?: string | null;
            assigned_agent_id: number | null;
            escalation_reason: string | null;
            accepted_at: components["schemas"]["NullableTimestamp"];
            first_agent_reply_at: components["schemas"]["NullableTimestamp"];
            closed_at: components["schemas"]["NullableTimestamp"];
            last_activity_at: components["schemas"]["Timestamp"];
            resolution: string | null;
            rating: number | null;
            /** @description The visitor's optional words with the rating (the socket's `close` frame). */
            rating_comment: string | null;
            offline_email: string | null;
            offline_note: string | null;
            /** @description The start of the newest message (lists only); for a message of files alone, "📎" and one of its file names. */
            last_message?: string | null;
            /** @description The start of the visitor's own newest message (lists only), the question a waiting card shows, rather than the AI's last line. */
            last_visitor_message?: string | null;
            /** @description The widget's business name (lists only). */
            widget_name?: string;
            /** @description The conversation's labels, by name (history, details, socket lists). */
            labels?: components["schemas"]["Label"][];
            /** @description The display name of the agent who had it, if one did. */
            agent_name: string | null;
            /** @description The note the agent left when closing (never shown to the visitor). */
            close_note: string | null;
            /** @description visitor, agent or system (abandoned). */
            closed_by: string | null;
            /** @description The first message text containing the query (searches only). */
            match: string | null;
        };
        HistoryPage: {
            sessions: components["schemas"]["HistorySession"][];
            has_more: boolean;
            /** @description The `offset` of the next page, or null on the last one. */
            next_offset: number | null;
        };
        SessionDetails: {
            /** @description The conversation in the agents' view, with the close note and the widget's name. */
            session: {
                /** Format: uuid */
                session_id: string;
                site_key: string;
                visitor_name: string | null;
                visitor_email: string | null;
                status: components["schemas"]["SessionStatus"];
                /** @description Whether the AI answers in this session (off once a person is asked for). */
                ai_mode: boolean;
                escalated_at: components["schemas"]["NullableTimestamp"];
                /** @description The sequence number of the newest message. */
                last_seq: number;
                created_at: components["schemas"]["Timestamp"];
                /** @description The person in the conversation (while one is), as the visitor sees them. */
                agent?: null | {
                    id: number;
                    display_name: string | null;
                    /** @description Their picture (`/api/avatars/{id}`, public); absent when none. */
                    avatar_url?: string;
                };
                /** @description What the visitor told and where they came from. */
                visitor_info: {
                    prechat?: {
                        [key: string]: string;
                    };
                    page_url?: string | null;
                    user_agent?: string;
                    ip?: string;
                    /** @description The visitor's IANA time zone, when the widget sent it. */
                    timezone?: string | null;
                    /** @description The custom attributes of a verified identity (docs/identity.md). */
                    identity_attributes?: {
                        [key: string]: string | number | boolean | null;
                    };
                };
                /** @description The site's server signed the visitor's identity (docs/identity.md); otherwise the name and email are only what the visitor or the page claimed. */
                visitor_verified?: boolean;
                /** @description The visitor's user id on the site (the identity token's `sub`), when verified. */
                visitor_user_id?: string | null;
                assigned_agent_id: number | null;
                escalation_reason: string | null;
                accepted_at: components["schemas"]["NullableTimestamp"];
                first_agent_reply_at: components["schemas"]["NullableTimestamp"];
                closed_at: components["schemas"]["NullableTimestamp"];
                last_activity_at: components["schemas"]["Timestamp"];
                resolution: string | null;
                rating: number | null;
                /** @description The visitor's optional words with the rating (the socket's `close` frame). */
                rating_comment: string | null;
                offline_email: string | null;
                offline_note: string | null;
                /** @description The start of the newest message (lists only); for a message of files alone, "📎" and one of its file names. */
                last_message?: string | null;
                /** @description The start of the visitor's own newest message (lists only), the question a waiting card shows, rather than the AI's last line. */
                last_visitor_message?: string | null;
                /** @description The widget's business name (lists only). */
                widget_name?: string;
                /** @description The conversation's labels, by name (history, details, socket lists). */
                labels?: components["schemas"]["Label"][];
                close_note: string | null;
                closed_by: string | null;
                /** @description What the widget told about the visitor (null until it tells something). */
                visitor_context?: null | components["schemas"]["VisitorContext"];
            };
            /** @description The agent assigned to it (or who had it when it ended), if any. */
            agent: null | {
                id: number;
                display_name: string;
            };
            /**
             * @description The visitor's other conversations on this widget, newest first: their visitor
             *     record's and, for an unverified visitor, the unverified ones with the same email
             *     (never a verified visitor's for an unverified claim, nor the reverse).
             */
            previous_sessions: components["schemas"]["HistorySession"][];
        };
        TeamMember: {
            id: number;
            username: string;
            role: components["schemas"]["Role"];
            display_name: string;
            /** @description Where the avatar is served (`/api/avatars/{id}`, relative); null for none. */
            avatar_url: string | null;
            /** @description Open chats this agent may have (their own limit or the server's). */
            max_chats: number;
            created_at: components["schemas"]["Timestamp"];
            last_login_at: components["schemas"]["NullableTimestamp"];
            /** @description Site keys of the widgets (among the caller's) this agent works on. */
            widgets: string[];
            /** @enum {string} */
            status: "online" | "away" | "offline";
            active_chats: number;
        };
        Team: {
            agents: components["schemas"]["TeamMember"][];
        };
        CannedResponseInput: {
            /** @description What agents type after `/` (lower-case letters, digits, `-`, `_`). */
            shortcut?: string;
            /** @description A short label shown in the picker (defaults to the shortcut). */
            title?: string | null;
            /** @description The reply inserted into the message box (plain text, newlines kept). */
            text?: string;
        };
        /** @description What the widget reports; every field optional. */
        VisitorContextUpdate: {
            /** @description An IANA time zone, e.g. Asia/Tokyo. */
            timezone?: string;
            /** @description navigator.language, e.g. fr-FR. */
            language?: string;
            /** @description document.referrer where the chat started. */
            referrer?: string;
            page?: {
                url: string;
                title?: string | null;
            };
            attributes?: {
                [key: string]: string | number | boolean | null;
            };
        };
        TrackReport: {
            tracking_id: string;
            page?: {
                url: string;
                title?: string | null;
            };
            referrer?: string | null;
            /** @description This browser has a conversation on the site. */
            chatting?: boolean;
            /** @description The page is going away (sent as a beacon). */
            left?: boolean;
            /** @description The id of an invitation the visitor closed. */
            dismiss?: string;
        };
        TriggerCounts: {
            shown: number;
            opened: number;
            answered: number;
        };
        /**
         * @description A proactive message (docs/widget.md). Every condition given must hold: the page's URL
         *     (`url_match` contains, or glob with `*`; a glob starting with `/` is matched against
         *     the path, and the query when it has a `?`, otherwise against the whole URL without its
         *     fragment; case-insensitive), seconds on the
         *     page, the percentage of the page scrolled, a returning visitor (visitor tracking only).
         *     `kind` js: also waits for `Parley.trigger(name)`.
         */
        TriggerInput: {
            name?: string;
            message?: string;
            /** @enum {string} */
            kind?: "auto" | "js";
            /** @description Open the chat too */
            open_widget?: boolean;
            enabled?: boolean;
            url_match?: ("contains" | "glob") | null;
            url_pattern?: string | null;
            delay_s?: number | null;
            scroll_pct?: number | null;
            returning_visitor?: boolean;
        };
        Trigger: {
            id: number;
            name: string;
            /** @enum {string} */
            kind: "auto" | "js";
            message: string;
            open_widget: boolean;
            enabled: boolean;
            /** @enum {string|null} */
            url_match: "contains" | "glob" | null;
            url_pattern: string | null;
            delay_s: number | null;
            scroll_pct: number | null;
            returning_visitor: boolean;
            counts: components["schemas"]["TriggerCounts"];
            counts_30d: components["schemas"]["TriggerCounts"];
            /** Format: date-time */
            created_at: string;
            /** Format: date-time */
            updated_at: string;
        };
        TriggerEnvelope: {
            trigger: components["schemas"]["Trigger"];
        };
        TriggerEvent: {
            trigger_id: number;
            /** @enum {string} */
            event: "shown" | "opened";
        };
        /** @description What the widget's trigger chunk needs of an enabled trigger. */
        PublicTrigger: {
            id: number;
            name: string;
            /** @enum {string} */
            kind: "auto" | "js";
            message: string;
            open: boolean;
            /** @enum {string|null} */
            url_match: "contains" | "glob" | null;
            url_pattern: string | null;
            delay_s: number | null;
            scroll_pct: number | null;
            returning: boolean;
        };
        Invitation: {
            id: string;
            text: string;
            agent: {
                id: number;
                display_name: string;
                avatar_url?: string;
            };
            /** Format: date-time */
            created_at: string;
        };
        LiveVisitor: {
            tracking_id: string;
            site_key: string;
            widget_id: number;
            widget_name: string;
            page: components["schemas"]["TrackedPage"] | null;
            /** @description Oldest first; the newest 20. */
            pages: components["schemas"]["TrackedPage"][];
            referrer: string | null;
            country: {
                /** @description ISO 3166-1 alpha-2 */
                code: string;
                name: string | null;
            } | null;
            /** Format: date-time */
            first_seen: string;
            /** Format: date-time */
            last_seen: string;
            time_on_site_s: number;
            chatting: boolean;
            invite: components["schemas"]["Invitation"] | null;
        };
        TrackedPage: {
            url: string;
            title: string | null;
            /** Format: date-time */
            at: string;
        };
        /**
         * @description What the widget told about its visitor from the first interaction on (docs/privacy.md):
         *     time zone, language, the referrer of the page where the chat started, the pages viewed
         *     since (oldest first, at most 20) and the site's custom attributes.
         */
        VisitorContext: {
            timezone: string | null;
            language: string | null;
            referrer: string | null;
            /** @description Oldest first; the newest 20. */
            pages: {
                url: string;
                title: string | null;
                /** Format: date-time */
                at: string;
            }[];
            attributes: {
                [key: string]: string | number | boolean;
            };
            /** Format: date-time */
            updated_at: string;
        };
        /** @description A label, with its colour's name and the chip's two colours. */
        Label: {
            id: number;
            name: string;
            color: components["schemas"]["LabelColor"];
            background: string;
            text: string;
            /** @description How many conversations carry it (GET /api/labels, for admins only). */
            conversations?: number;
        };
        /**
         * @description A colour of the fixed palette: a light background with a dark text colour whose
         *     contrast meets WCAG AA (4.5:1), so every chip is readable.
         * @enum {string}
         */
        LabelColor: "gray" | "red" | "orange" | "amber" | "green" | "teal" | "blue" | "indigo" | "purple" | "pink";
        LabelInput: {
            name?: string;
            color?: components["schemas"]["LabelColor"];
        };
        LabelEnvelope: {
            label: components["schemas"]["Label"];
        };
        LabelList: {
            labels: components["schemas"]["Label"][];
            /** @description The palette, in order. */
            colors: {
                color: components["schemas"]["LabelColor"];
                background: string;
                text: string;
            }[];
        };
        SessionLabels: {
            /** @description The conversation's labels, by name. */
            labels: components["schemas"]["Label"][];
        };
        /**
         * @description The parameters of `GET /api/agents/history` that a saved view keeps (all optional);
         *     `label` and `rating` are lists.
         */
        HistoryFilters: {
            q?: string;
            label?: string[];
            /** @enum {string} */
            status?: "closed" | "abandoned";
            widget?: string;
            agent?: string;
            rating?: string[];
            /** Format: date */
            from?: string;
            /** Format: date */
            to?: string;
            tz?: string;
            /** @enum {string} */
            has_attachments?: "true" | "false";
        };
        SavedView: {
            id: number;
            name: string;
            filters: components["schemas"]["HistoryFilters"];
            created_at: components["schemas"]["Timestamp"];
            updated_at: components["schemas"]["Timestamp"];
        };
        SavedViewInput: {
            name?: string;
            /**
             * @description History parameters by name: strings, numbers, booleans, or lists of them (checked
             *     as the history checks them).
             */
            filters?: Record<string, never>;
        };
        SavedViewEnvelope: {
            view: components["schemas"]["SavedView"];
        };
        SavedViewList: {
            views: components["schemas"]["SavedView"][];
        };
        CannedResponse: {
            id: number;
            /** @description The widget it belongs to; null for a global or personal response. */
            site_key: string | null;
            /**
             * @description Whose it is, and so who may change it (personal, its owner; widget, the widget's owner or an admin; global, admins).
             * @enum {string}
             */
            scope: "personal" | "widget" | "global";
            /** @description The user a personal response belongs to; null for the team's. */
            owner_id: number | null;
            shortcut: string;
            title: string;
            text: string;
            created_by: number | null;
            created_at: components["schemas"]["Timestamp"];
            updated_at: components["schemas"]["Timestamp"];
        };
        CannedResponseEnvelope: {
            canned_response: components["schemas"]["CannedResponse"];
        };
        CannedResponseList: {
            canned_responses: components["schemas"]["CannedResponse"][];
        };
        /** @description A median in seconds (one decimal); null when there is nothing to measure. */
        Seconds: number | null;
        AnalyticsCounts: {
            /** @description Started in the day or period. */
            conversations: number;
            /** @description Closed without a person (the visitor ended it, or said thanks and left). */
            ai_resolved: number;
            /** @description An agent had accepted it. */
            agent_resolved: number;
            /** @description The visitor left while it was open or waiting, and nobody took it. */
            abandoned: number;
            /** @description Not closed yet. */
            open: number;
            /** @description Handed to the queue */
            escalated: number;
            median_wait_s: components["schemas"]["Seconds"];
            median_first_response_s: components["schemas"]["Seconds"];
        };
        AnalyticsReport: {
            /**
             * @description The uploaded files stored now (not over the period) for the widgets the report
             *     covers: totals, and each widget that has files, the largest first.
             */
            storage: {
                bytes: number;
                files: number;
                widgets: {
                    site_key: string;
                    business_name: string;
                    bytes: number;
                    files: number;
                }[];
            };
            period: {
                /** Format: date */
                from: string;
                /** Format: date */
                to: string;
                tz: string;
                site_key: string | null;
            };
            totals: components["schemas"]["AnalyticsCounts"] & {
                rated: number;
                rating_avg: number | null;
            };
            /** @description Every day of the period, oldest first, zeros included. */
            days: (components["schemas"]["AnalyticsCounts"] & {
                /** Format: date */
                date: string;
            })[];
            /** @description Every known reason code (zeros included), then any other, by count. */
            escalation_reasons: {
                reason: string;
                count: number;
            }[];
            /** @description How many conversations were rated 1, 2, 3, 4 and 5. */
            ratings: {
                rating: number;
                count: number;
            }[];
            /** @description Conversations started, by local weekday (Monday first) and hour (0-23). */
            busiest_hours: number[][];
            /** @description Agents who accepted conversations started in the period, busiest first. */
            agents: {
                id: number;
                display_name: string;
                conversations: number;
                median_first_response_s: components["schemas"]["Seconds"];
                rating_avg: number | null;
            }[];
        };
        LiveAnalytics: {
            at: components["schemas"]["Timestamp"];
            now: {
                /** @description With the AI. */
                active: number;
                /** @description In the queue. */
                waiting: number;
                /** @description With an agent. */
                assigned: number;
                longest_wait_s: components["schemas"]["Seconds"];
                agents_online: number;
            };
            agents: {
                id: number;
                display_name: string;
                role: components["schemas"]["Role"];
                /** @enum {string} */
                status: "online" | "away" | "offline";
                active_chats: number;
                max_chats: number;
            }[];
            today: components["schemas"]["AnalyticsCounts"] & {
                /** Format: date */
                date: string;
                rated: number;
                rating_avg: number | null;
                /** @description Conversations started in each local hour of today. */
                hours: number[];
            };
        };
    };
    responses: {
        /**
         * @description The body is not a JSON object (`invalid_json`), a field has the wrong JSON type
         *     (`invalid_type`, with `fields`), or the URL is not valid UTF-8 (`bad_request`).
         */
        BadRequest: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /**
         * @description No token, or one that is invalid (`invalid_token`), expired (`token_expired`) or
         *     revoked (`token_revoked`); wrong email or password (`invalid_credentials`).
         */
        Unauthorized: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /**
         * @description Signed in but not allowed (`admin_required`, `not_owner`, `registration_closed`,
         *     `wrong_password`), or an Origin the widget does not allow (`origin_not_allowed`).
         */
        Forbidden: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /**
         * @description No such object, or one the caller may not see (`widget_not_found`, `session_not_found`,
         *     `user_not_found`, `file_not_found`).
         */
        NotFound: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /**
         * @description The request clashes with the current state (`user_exists`, `last_admin`,
         *     `session_closed`, `already_assigned`, `mail_disabled`, `no_email`).
         */
        Conflict: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /**
         * @description The request body is larger than `PARLEY_MAX_BODY_BYTES` (`too_large`); on the upload
         *     route, the file is larger than `PARLEY_MAX_UPLOAD_BYTES` (`file_too_large`) or the
         *     conversation's files would pass `PARLEY_MAX_UPLOAD_BYTES_PER_SESSION`
         *     (`session_storage_full`).
         */
        TooLarge: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description The file's type, decided from its content, is not allowed (`file_type_not_allowed`). */
        UnsupportedType: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description The file's bytes, streamed. */
        FileBody: {
            headers: {
                "Access-Control-Allow-Origin": components["headers"]["AccessControlAllowOrigin"];
                /** @description `inline` (a re-encoded image or a thumbnail) or `attachment`, with the file name. */
                "Content-Disposition"?: string;
                /** @description `default-src 'none'; sandbox` */
                "Content-Security-Policy"?: string;
                /** @description `nosniff` */
                "X-Content-Type-Options"?: string;
                /** @description `private, max-age=3600` */
                "Cache-Control"?: string;
                [name: string]: unknown;
            };
            content: {
                "*/*": string;
            };
        };
        /**
         * @description A value breaks a rule (`validation_failed`, `weak_password`), or names a setting that
         *     does not exist (`unknown_setting`); `fields` says which and why.
         */
        Unprocessable: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description Too many requests (`rate_limited`, `too_many_attempts`); see `Retry-After`. */
        RateLimited: {
            headers: {
                "Retry-After": components["headers"]["RetryAfter"];
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description The database is unavailable (`unavailable`); retry shortly. */
        Unavailable: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description The Origin is allowed; the CORS answer. */
        Preflight: {
            headers: {
                "Access-Control-Allow-Origin": components["headers"]["AccessControlAllowOrigin"];
                /** @description `GET, POST, OPTIONS` */
                "Access-Control-Allow-Methods"?: string;
                /** @description `Authorization, Content-Type` */
                "Access-Control-Allow-Headers"?: string;
                /** @description Seconds the browser may cache this answer. */
                "Access-Control-Max-Age"?: string;
                [name: string]: unknown;
            };
            content?: never;
        };
    };
    parameters: {
        /** @description The IANA time zone days and hours are counted in (default UTC). */
        analyticsTz: string;
        /** @description Only this widget (default every widget the caller can see). */
        analyticsSiteKey: string;
        /** @description The widget's public site key (as in the script tag). */
        siteKey: string;
        /** @description The knowledge source's numeric id. Anything else is 404 `source_not_found`. */
        sourceId: string;
        /** @description The session's id (a UUID). */
        sessionId: string;
        /** @description An upload's id (32 hex characters, random). */
        uploadId: string;
        /** @description Label ids (repeated or comma-separated); only sessions carrying every one. */
        inboxLabel: string[];
        /** @description Only this widget's sessions (its site key). */
        inboxWidget: string;
        /** @description A label's numeric id. Anything else is 404 `label_not_found`. */
        labelId: string;
        /** @description A user's numeric id. Anything else is 404 `user_not_found`. */
        userId: string;
        /**
         * @description Sent by browsers. Must be the server's own origin or one of the widget's
         *     `allowed_origins`, else 403 `origin_not_allowed`. Without it (a server-side client)
         *     the token alone decides.
         */
        Origin: string;
    };
    requestBodies: never;
    headers: {
        /** @description The request's Origin, echoed when it is allowed. */
        AccessControlAllowOrigin: string;
        /** @description Seconds to wait before trying again. */
        RetryAfter: string;
    };
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    getHealth: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The server and its database are up. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Health"];
                };
            };
            /** @description The database is down. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Health"];
                };
            };
        };
    };
    getMetrics: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The metrics. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/plain": string;
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
        };
    };
    register: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["NewUser"];
            };
        };
        responses: {
            /** @description The user was created. `token` is present when the new user signed themselves up. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        token?: components["schemas"]["JWT"];
                        user: components["schemas"]["User"];
                    };
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["TooLarge"];
            422: components["responses"]["Unprocessable"];
            503: components["responses"]["Unavailable"];
        };
    };
    login: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["Credentials"];
            };
        };
        responses: {
            /** @description Signed in. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SignedIn"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            413: components["responses"]["TooLarge"];
            422: components["responses"]["Unprocessable"];
            429: components["responses"]["RateLimited"];
            503: components["responses"]["Unavailable"];
        };
    };
    agentLogin: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["Credentials"];
            };
        };
        responses: {
            /** @description Signed in. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SignedIn"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            413: components["responses"]["TooLarge"];
            422: components["responses"]["Unprocessable"];
            429: components["responses"]["RateLimited"];
            503: components["responses"]["Unavailable"];
        };
    };
    getMe: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The signed-in user. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UserEnvelope"];
                };
            };
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            503: components["responses"]["Unavailable"];
        };
    };
    updateMe: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["ProfileUpdate"];
            };
        };
        responses: {
            /** @description The updated user. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UserEnvelope"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["TooLarge"];
            422: components["responses"]["Unprocessable"];
            503: components["responses"]["Unavailable"];
        };
    };
    getMySettings: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Every setting, with its default where the user chose nothing. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MySettingsEnvelope"];
                };
            };
            401: components["responses"]["Unauthorized"];
            503: components["responses"]["Unavailable"];
        };
    };
    updateMySettings: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["MySettingsUpdate"];
            };
        };
        responses: {
            /** @description Every setting after the change. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MySettingsEnvelope"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            413: components["responses"]["TooLarge"];
            422: components["responses"]["Unprocessable"];
            503: components["responses"]["Unavailable"];
        };
    };
    logout: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Signed out; the token no longer works. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            401: components["responses"]["Unauthorized"];
            413: components["responses"]["TooLarge"];
            503: components["responses"]["Unavailable"];
        };
    };
    changePassword: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    current_password: string;
                    new_password: components["schemas"]["Password"];
                };
            };
        };
        responses: {
            /** @description Changed; use the new token. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SignedIn"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            413: components["responses"]["TooLarge"];
            422: components["responses"]["Unprocessable"];
            429: components["responses"]["RateLimited"];
            503: components["responses"]["Unavailable"];
        };
    };
    setMyAvatar: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/octet-stream": string;
            };
        };
        responses: {
            /** @description The user, with the new `avatar_url`. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UserEnvelope"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            413: components["responses"]["TooLarge"];
            415: components["responses"]["UnsupportedType"];
            422: components["responses"]["Unprocessable"];
            503: components["responses"]["Unavailable"];
        };
    };
    deleteMyAvatar: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The user, `avatar_url` null. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UserEnvelope"];
                };
            };
            401: components["responses"]["Unauthorized"];
            503: components["responses"]["Unavailable"];
        };
    };
    getAvatar: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description An avatar's id (32 hex characters, random, new on each upload). */
                avatarId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The avatar. */
            200: {
                headers: {
                    /** @description `default-src 'none'; sandbox` */
                    "Content-Security-Policy"?: string;
                    /** @description `nosniff` */
                    "X-Content-Type-Options"?: string;
                    /** @description `public, max-age=31536000, immutable` */
                    "Cache-Control"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "image/png": string;
                };
            };
            404: components["responses"]["NotFound"];
            503: components["responses"]["Unavailable"];
        };
    };
    listUsers: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Every user. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        users: components["schemas"]["User"][];
                    };
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            503: components["responses"]["Unavailable"];
        };
    };
    getUser: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A user's numeric id. Anything else is 404 `user_not_found`. */
                userId: components["parameters"]["userId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The user. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UserEnvelope"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            503: components["responses"]["Unavailable"];
        };
    };
    deleteUser: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A user's numeric id. Anything else is 404 `user_not_found`. */
                userId: components["parameters"]["userId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["TooLarge"];
            503: components["responses"]["Unavailable"];
        };
    };
    setUserRole: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A user's numeric id. Anything else is 404 `user_not_found`. */
                userId: components["parameters"]["userId"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    role: components["schemas"]["Role"];
                };
            };
        };
        responses: {
            /** @description The updated user. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UserEnvelope"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["TooLarge"];
            422: components["responses"]["Unprocessable"];
            503: components["responses"]["Unavailable"];
        };
    };
    setUserPassword: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A user's numeric id. Anything else is 404 `user_not_found`. */
                userId: components["parameters"]["userId"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    password: components["schemas"]["Password"];
                };
            };
        };
        responses: {
            /** @description Set. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["TooLarge"];
            422: components["responses"]["Unprocessable"];
            503: components["responses"]["Unavailable"];
        };
    };
    escalateSession: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description Sent by browsers. Must be the server's own origin or one of the widget's
                 *     `allowed_origins`, else 403 `origin_not_allowed`. Without it (a server-side client)
                 *     the token alone decides.
                 */
                Origin?: components["parameters"]["Origin"];
            };
            path: {
                /** @description The widget's public site key (as in the script tag). */
                siteKey: components["parameters"]["siteKey"];
                /** @description The session's id (a UUID). */
                sessionId: components["parameters"]["sessionId"];
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    reason?: components["schemas"]["EscalationReason"];
                };
            };
        };
        responses: {
            /** @description The session is waiting; its place in the queue. */
            200: {
                headers: {
                    "Access-Control-Allow-Origin": components["headers"]["AccessControlAllowOrigin"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Escalation"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["TooLarge"];
            422: components["responses"]["Unprocessable"];
            503: components["responses"]["Unavailable"];
        };
    };
    escalateSessionPreflight: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description Sent by browsers. Must be the server's own origin or one of the widget's
                 *     `allowed_origins`, else 403 `origin_not_allowed`. Without it (a server-side client)
                 *     the token alone decides.
                 */
                Origin?: components["parameters"]["Origin"];
            };
            path: {
                /** @description The widget's public site key (as in the script tag). */
                siteKey: components["parameters"]["siteKey"];
                /** @description The session's id (a UUID). */
                sessionId: components["parameters"]["sessionId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            204: components["responses"]["Preflight"];
            400: components["responses"]["BadRequest"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            503: components["responses"]["Unavailable"];
        };
    };
    getQueuePosition: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description Sent by browsers. Must be the server's own origin or one of the widget's
                 *     `allowed_origins`, else 403 `origin_not_allowed`. Without it (a server-side client)
                 *     the token alone decides.
                 */
                Origin?: components["parameters"]["Origin"];
            };
            path: {
                /** @description The widget's public site key (as in the script tag). */
                siteKey: components["parameters"]["siteKey"];
                /** @description The session's id (a UUID). */
                sessionId: components["parameters"]["sessionId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The position. */
            200: {
                headers: {
                    "Access-Control-Allow-Origin": components["headers"]["AccessControlAllowOrigin"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["QueuePosition"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            503: components["responses"]["Unavailable"];
        };
    };
    getQueuePositionPreflight: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description Sent by browsers. Must be the server's own origin or one of the widget's
                 *     `allowed_origins`, else 403 `origin_not_allowed`. Without it (a server-side client)
                 *     the token alone decides.
                 */
                Origin?: components["parameters"]["Origin"];
            };
            path: {
                /** @description The widget's public site key (as in the script tag). */
                siteKey: components["parameters"]["siteKey"];
                /** @description The session's id (a UUID). */
                sessionId: components["parameters"]["sessionId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            204: components["responses"]["Preflight"];
            400: components["responses"]["BadRequest"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            503: components["responses"]["Unavailable"];
        };
    };
    createSession: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description Sent by browsers. Must be the server's own origin or one of the widget's
                 *     `allowed_origins`, else 403 `origin_not_allowed`. Without it (a server-side client)
                 *     the token alone decides.
                 */
                Origin?: components["parameters"]["Origin"];
            };
            path: {
                /** @description The widget's public site key (as in the script tag). */
                siteKey: components["parameters"]["siteKey"];
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["NewSession"];
            };
        };
        responses: {
            /** @description The visitor's open conversation (`existing` true), with the device token. */
            200: {
                headers: {
                    "Access-Control-Allow-Origin": components["headers"]["AccessControlAllowOrigin"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["NewSessionResult"];
                };
            };
            /** @description The session, with its visitor token. */
            201: {
                headers: {
                    "Access-Control-Allow-Origin": components["headers"]["AccessControlAllowOrigin"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["NewSessionResult"];
                };
            };
            400: components["responses"]["BadRequest"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["TooLarge"];
            422: components["responses"]["Unprocessable"];
            429: components["responses"]["RateLimited"];
            503: components["responses"]["Unavailable"];
        };
    };
    createSessionPreflight: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description Sent by browsers. Must be the server's own origin or one of the widget's
                 *     `allowed_origins`, else 403 `origin_not_allowed`. Without it (a server-side client)
                 *     the token alone decides.
                 */
                Origin?: components["parameters"]["Origin"];
            };
            path: {
                /** @description The widget's public site key (as in the script tag). */
                siteKey: components["parameters"]["siteKey"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            204: components["responses"]["Preflight"];
            400: components["responses"]["BadRequest"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            503: components["responses"]["Unavailable"];
        };
    };
    getMessages: {
        parameters: {
            query?: {
                /** @description Only messages after this sequence number (default 0, from the start). */
                after_seq?: number;
                /** @description Page size (default 100). */
                limit?: number;
            };
            header?: {
                /**
                 * @description Sent by browsers. Must be the server's own origin or one of the widget's
                 *     `allowed_origins`, else 403 `origin_not_allowed`. Without it (a server-side client)
                 *     the token alone decides.
                 */
                Origin?: components["parameters"]["Origin"];
            };
            path: {
                /** @description The widget's public site key (as in the script tag). */
                siteKey: components["parameters"]["siteKey"];
                /** @description The session's id (a UUID). */
                sessionId: components["parameters"]["sessionId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of history. */
            200: {
                headers: {
                    "Access-Control-Allow-Origin": components["headers"]["AccessControlAllowOrigin"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["History"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            422: components["responses"]["Unprocessable"];
            503: components["responses"]["Unavailable"];
        };
    };
    getMessagesPreflight: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description Sent by browsers. Must be the server's own origin or one of the widget's
                 *     `allowed_origins`, else 403 `origin_not_allowed`. Without it (a server-side client)
                 *     the token alone decides.
                 */
                Origin?: components["parameters"]["Origin"];
            };
            path: {
                /** @description The widget's public site key (as in the script tag). */
                siteKey: components["parameters"]["siteKey"];
                /** @description The session's id (a UUID). */
                sessionId: components["parameters"]["sessionId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            204: components["responses"]["Preflight"];
            400: components["responses"]["BadRequest"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            503: components["responses"]["Unavailable"];
        };
    };
    visitorHome: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description Sent by browsers. Must be the server's own origin or one of the widget's
                 *     `allowed_origins`, else 403 `origin_not_allowed`. Without it (a server-side client)
                 *     the token alone decides.
                 */
                Origin?: components["parameters"]["Origin"];
            };
            path: {
                /** @description The widget's public site key (as in the script tag). */
                siteKey: components["parameters"]["siteKey"];
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    identity_token?: string;
                };
            };
        };
        responses: {
            /** @description The visitor's conversations. */
            200: {
                headers: {
                    "Access-Control-Allow-Origin": components["headers"]["AccessControlAllowOrigin"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["VisitorHome"];
                };
            };
            400: components["responses"]["BadRequest"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["TooLarge"];
            503: components["responses"]["Unavailable"];
        };
    };
    visitorHomePreflight: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description Sent by browsers. Must be the server's own origin or one of the widget's
                 *     `allowed_origins`, else 403 `origin_not_allowed`. Without it (a server-side client)
                 *     the token alone decides.
                 */
                Origin?: components["parameters"]["Origin"];
            };
            path: {
                /** @description The widget's public site key (as in the script tag). */
                siteKey: components["parameters"]["siteKey"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            204: components["responses"]["Preflight"];
            400: components["responses"]["BadRequest"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            503: components["responses"]["Unavailable"];
        };
    };
    reopenSession: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description Sent by browsers. Must be the server's own origin or one of the widget's
                 *     `allowed_origins`, else 403 `origin_not_allowed`. Without it (a server-side client)
                 *     the token alone decides.
                 */
                Origin?: components["parameters"]["Origin"];
            };
            path: {
                /** @description The widget's public site key (as in the script tag). */
                siteKey: components["parameters"]["siteKey"];
                /** @description The session's id (a UUID). */
                sessionId: components["parameters"]["sessionId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The conversation, open. */
            200: {
                headers: {
                    "Access-Control-Allow-Origin": components["headers"]["AccessControlAllowOrigin"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["VisitorSession"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            503: components["responses"]["Unavailable"];
        };
    };
    reopenSessionPreflight: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description Sent by browsers. Must be the server's own origin or one of the widget's
                 *     `allowed_origins`, else 403 `origin_not_allowed`. Without it (a server-side client)
                 *     the token alone decides.
                 */
                Origin?: components["parameters"]["Origin"];
            };
            path: {
                /** @description The widget's public site key (as in the script tag). */
                siteKey: components["parameters"]["siteKey"];
                /** @description The session's id (a UUID). */
                sessionId: components["parameters"]["sessionId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            204: components["responses"]["Preflight"];
            400: components["responses"]["BadRequest"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            503: components["responses"]["Unavailable"];
        };
    };
    reportVisitorContext: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description Sent by browsers. Must be the server's own origin or one of the widget's
                 *     `allowed_origins`, else 403 `origin_not_allowed`. Without it (a server-side client)
                 *     the token alone decides.
                 */
                Origin?: components["parameters"]["Origin"];
            };
            path: {
                /** @description The widget's public site key (as in the script tag). */
                siteKey: components["parameters"]["siteKey"];
                /** @description The session's id (a UUID). */
                sessionId: components["parameters"]["sessionId"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["VisitorContextUpdate"];
            };
        };
        responses: {
            /** @description The conversation's context now. */
            200: {
                headers: {
                    "Access-Control-Allow-Origin": components["headers"]["AccessControlAllowOrigin"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        context: components["schemas"]["VisitorContext"];
                    };
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["TooLarge"];
            422: components["responses"]["Unprocessable"];
            429: components["responses"]["RateLimited"];
            503: components["responses"]["Unavailable"];
        };
    };
    reportVisitorContextPreflight: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description Sent by browsers. Must be the server's own origin or one of the widget's
                 *     `allowed_origins`, else 403 `origin_not_allowed`. Without it (a server-side client)
                 *     the token alone decides.
                 */
                Origin?: components["parameters"]["Origin"];
            };
            path: {
                /** @description The widget's public site key (as in the script tag). */
                siteKey: components["parameters"]["siteKey"];
                /** @description The session's id (a UUID). */
                sessionId: components["parameters"]["sessionId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            204: components["responses"]["Preflight"];
            400: components["responses"]["BadRequest"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            503: components["responses"]["Unavailable"];
        };
    };
    trackVisitor: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description Sent by browsers. Must be the server's own origin or one of the widget's
                 *     `allowed_origins`, else 403 `origin_not_allowed`. Without it (a server-side client)
                 *     the token alone decides.
                 */
                Origin?: components["parameters"]["Origin"];
            };
            path: {
                /** @description The widget's public site key (as in the script tag). */
                siteKey: components["parameters"]["siteKey"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["TrackReport"];
                "text/plain": components["schemas"]["TrackReport"];
            };
        };
        responses: {
            /** @description When to report next, and an invitation waiting for the visitor. */
            200: {
                headers: {
                    "Access-Control-Allow-Origin": components["headers"]["AccessControlAllowOrigin"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        interval_s: number;
                        invite: components["schemas"]["Invitation"] | null;
                    };
                };
            };
            400: components["responses"]["BadRequest"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["TooLarge"];
            422: components["responses"]["Unprocessable"];
            429: components["responses"]["RateLimited"];
            503: components["responses"]["Unavailable"];
        };
    };
    trackVisitorPreflight: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description Sent by browsers. Must be the server's own origin or one of the widget's
                 *     `allowed_origins`, else 403 `origin_not_allowed`. Without it (a server-side client)
                 *     the token alone decides.
                 */
                Origin?: components["parameters"]["Origin"];
            };
            path: {
                /** @description The widget's public site key (as in the script tag). */
                siteKey: components["parameters"]["siteKey"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            204: components["responses"]["Preflight"];
            400: components["responses"]["BadRequest"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            503: components["responses"]["Unavailable"];
        };
    };
    listTriggers: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The widget's public site key (as in the script tag). */
                siteKey: components["parameters"]["siteKey"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The triggers. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        triggers: components["schemas"]["Trigger"][];
                    };
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            503: components["responses"]["Unavailable"];
        };
    };
    createTrigger: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The widget's public site key (as in the script tag). */
                siteKey: components["parameters"]["siteKey"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["TriggerInput"];
            };
        };
        responses: {
            /** @description The trigger made. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TriggerEnvelope"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["TooLarge"];
            422: components["responses"]["Unprocessable"];
            503: components["responses"]["Unavailable"];
        };
    };
    updateTrigger: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The widget's public site key (as in the script tag). */
                siteKey: components["parameters"]["siteKey"];
                triggerId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["TriggerInput"];
            };
        };
        responses: {
            /** @description The trigger now. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TriggerEnvelope"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["TooLarge"];
            422: components["responses"]["Unprocessable"];
            503: components["responses"]["Unavailable"];
        };
    };
    deleteTrigger: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The widget's public site key (as in the script tag). */
                siteKey: components["parameters"]["siteKey"];
                triggerId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            503: components["responses"]["Unavailable"];
        };
    };
    countTriggerEvent: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description Sent by browsers. Must be the server's own origin or one of the widget's
                 *     `allowed_origins`, else 403 `origin_not_allowed`. Without it (a server-side client)
                 *     the token alone decides.
                 */
                Origin?: components["parameters"]["Origin"];
            };
            path: {
                /** @description The widget's public site key (as in the script tag). */
                siteKey: components["parameters"]["siteKey"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["TriggerEvent"];
                "text/plain": components["schemas"]["TriggerEvent"];
            };
        };
        responses: {
            /** @description Counted. */
            204: {
                headers: {
                    "Access-Control-Allow-Origin": components["headers"]["AccessControlAllowOrigin"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["TooLarge"];
            422: components["responses"]["Unprocessable"];
            429: components["responses"]["RateLimited"];
            503: components["responses"]["Unavailable"];
        };
    };
    countTriggerEventPreflight: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description Sent by browsers. Must be the server's own origin or one of the widget's
                 *     `allowed_origins`, else 403 `origin_not_allowed`. Without it (a server-side client)
                 *     the token alone decides.
                 */
                Origin?: components["parameters"]["Origin"];
            };
            path: {
                /** @description The widget's public site key (as in the script tag). */
                siteKey: components["parameters"]["siteKey"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            204: components["responses"]["Preflight"];
            400: components["responses"]["BadRequest"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            503: components["responses"]["Unavailable"];
        };
    };
    listLiveVisitors: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The visitors. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        visitors: components["schemas"]["LiveVisitor"][];
                    };
                };
            };
            401: components["responses"]["Unauthorized"];
            503: components["responses"]["Unavailable"];
        };
    };
    inviteVisitor: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The widget's public site key (as in the script tag). */
                siteKey: components["parameters"]["siteKey"];
                trackingId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    text: string;
                };
            };
        };
        responses: {
            /** @description The visitor, with the invitation. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        visitor: components["schemas"]["LiveVisitor"];
                    };
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["TooLarge"];
            422: components["responses"]["Unprocessable"];
            503: components["responses"]["Unavailable"];
        };
    };
    withdrawInvitation: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The widget's public site key (as in the script tag). */
                siteKey: components["parameters"]["siteKey"];
                trackingId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Withdrawn (or there was none). */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            503: components["responses"]["Unavailable"];
        };
    };
    getAgentStats: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Counts for the signed-in agent. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AgentStats"];
                };
            };
            401: components["responses"]["Unauthorized"];
            503: components["responses"]["Unavailable"];
        };
    };
    listActiveChats: {
        parameters: {
            query?: {
                /** @description Label ids (repeated or comma-separated); only sessions carrying every one. */
                label?: components["parameters"]["inboxLabel"];
                /** @description Only this widget's sessions (its site key). */
                widget?: components["parameters"]["inboxWidget"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The sessions. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AgentSessionList"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            503: components["responses"]["Unavailable"];
        };
    };
    listWaitingSessions: {
        parameters: {
            query?: {
                /** @description Label ids (repeated or comma-separated); only sessions carrying every one. */
                label?: components["parameters"]["inboxLabel"];
                /** @description Only this widget's sessions (its site key). */
                widget?: components["parameters"]["inboxWidget"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The sessions. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AgentSessionList"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            503: components["responses"]["Unavailable"];
        };
    };
    listAISessions: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The sessions. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AgentSessionList"];
                };
            };
            401: components["responses"]["Unauthorized"];
            503: components["responses"]["Unavailable"];
        };
    };
    listWidgets: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The widgets. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        widgets: components["schemas"]["Widget"][];
                    };
                };
            };
            401: components["responses"]["Unauthorized"];
            503: components["responses"]["Unavailable"];
        };
    };
    createWidget: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["WidgetInput"];
            };
        };
        responses: {
            /** @description The new widget. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WidgetEnvelope"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            413: components["responses"]["TooLarge"];
            422: components["responses"]["Unprocessable"];
            503: components["responses"]["Unavailable"];
        };
    };
    getWidgetStats: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The counts. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["StatsOverview"];
                };
            };
            401: components["responses"]["Unauthorized"];
            503: components["responses"]["Unavailable"];
        };
    };
    getWidget: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The widget's public site key (as in the script tag). */
                siteKey: components["parameters"]["siteKey"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The widget. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WidgetEnvelope"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            503: components["responses"]["Unavailable"];
        };
    };
    updateWidget: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The widget's public site key (as in the script tag). */
                siteKey: components["parameters"]["siteKey"];
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["WidgetInput"];
            };
        };
        responses: {
            /** @description The updated widget. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WidgetEnvelope"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["TooLarge"];
            422: components["responses"]["Unprocessable"];
            503: components["responses"]["Unavailable"];
        };
    };
    deleteWidget: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The widget's public site key (as in the script tag). */
                siteKey: components["parameters"]["siteKey"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["TooLarge"];
            503: components["responses"]["Unavailable"];
        };
    };
    getWidgetConfig: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description Sent by browsers. Must be the server's own origin or one of the widget's
                 *     `allowed_origins`, else 403 `origin_not_allowed`. Without it (a server-side client)
                 *     the token alone decides.
                 */
                Origin?: components["parameters"]["Origin"];
                /** @description An ETag from an earlier answer; 304 when it still matches. */
                "If-None-Match"?: string;
            };
            path: {
                /** @description The widget's public site key (as in the script tag). */
                siteKey: components["parameters"]["siteKey"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The public configuration. */
            200: {
                headers: {
                    /** @description Strong validator of this configuration. */
                    ETag?: string;
                    /** @description `public, max-age=60` */
                    "Cache-Control"?: string;
                    "Access-Control-Allow-Origin": components["headers"]["AccessControlAllowOrigin"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PublicConfig"];
                };
            };
            /** @description Not modified since the ETag given in `If-None-Match`; no body. */
            304: {
                headers: {
                    /** @description The same validator. */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            503: components["responses"]["Unavailable"];
        };
    };
    getWidgetConfigPreflight: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description Sent by browsers. Must be the server's own origin or one of the widget's
                 *     `allowed_origins`, else 403 `origin_not_allowed`. Without it (a server-side client)
                 *     the token alone decides.
                 */
                Origin?: components["parameters"]["Origin"];
            };
            path: {
                /** @description The widget's public site key (as in the script tag). */
                siteKey: components["parameters"]["siteKey"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            204: components["responses"]["Preflight"];
            400: components["responses"]["BadRequest"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            503: components["responses"]["Unavailable"];
        };
    };
    getWidgetAvailability: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description Sent by browsers. Must be the server's own origin or one of the widget's
                 *     `allowed_origins`, else 403 `origin_not_allowed`. Without it (a server-side client)
                 *     the token alone decides.
                 */
                Origin?: components["parameters"]["Origin"];
            };
            path: {
                /** @description The widget's public site key (as in the script tag). */
                siteKey: components["parameters"]["siteKey"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The availability now. */
            200: {
                headers: {
                    /** @description `public, max-age=15` */
                    "Cache-Control"?: string;
                    "Access-Control-Allow-Origin": components["headers"]["AccessControlAllowOrigin"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        open: boolean;
                        agents_online: boolean;
                    };
                };
            };
            400: components["responses"]["BadRequest"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            503: components["responses"]["Unavailable"];
        };
    };
    getWidgetAvailabilityPreflight: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description Sent by browsers. Must be the server's own origin or one of the widget's
                 *     `allowed_origins`, else 403 `origin_not_allowed`. Without it (a server-side client)
                 *     the token alone decides.
                 */
                Origin?: components["parameters"]["Origin"];
            };
            path: {
                /** @description The widget's public site key (as in the script tag). */
                siteKey: components["parameters"]["siteKey"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            204: components["responses"]["Preflight"];
            400: components["responses"]["BadRequest"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            503: components["responses"]["Unavailable"];
        };
    };
    listWidgetAgents: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The widget's public site key (as in the script tag). */
                siteKey: components["parameters"]["siteKey"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The agents who work on this widget. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AgentList"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            503: components["responses"]["Unavailable"];
        };
    };
    addWidgetAgent: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The widget's public site key (as in the script tag). */
                siteKey: components["parameters"]["siteKey"];
                /** @description A user's numeric id. Anything else is 404 `user_not_found`. */
                userId: components["parameters"]["userId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The widget's agents. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AgentList"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["TooLarge"];
            503: components["responses"]["Unavailable"];
        };
    };
    removeWidgetAgent: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The widget's public site key (as in the script tag). */
                siteKey: components["parameters"]["siteKey"];
                /** @description A user's numeric id. Anything else is 404 `user_not_found`. */
                userId: components["parameters"]["userId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The widget's agents. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AgentList"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["TooLarge"];
            503: components["responses"]["Unavailable"];
        };
    };
    createIdentitySecret: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The widget's public site key (as in the script tag). */
                siteKey: components["parameters"]["siteKey"];
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    /** @default false */
                    rotate?: boolean;
                    /** @default 24 */
                    grace_hours?: number;
                };
            };
        };
        responses: {
            /** @description The new secret (shown once) and the rotation's state. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        secret: string;
                        identity_secret_set: boolean;
                        identity_previous_until: components["schemas"]["NullableTimestamp"];
                    };
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["TooLarge"];
            422: components["responses"]["Unprocessable"];
            503: components["responses"]["Unavailable"];
        };
    };
    finishIdentityRotation: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The widget's public site key (as in the script tag). */
                siteKey: components["parameters"]["siteKey"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The rotation's state. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        identity_secret_set: boolean;
                        identity_previous_until: components["schemas"]["NullableTimestamp"];
                    };
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["TooLarge"];
            503: components["responses"]["Unavailable"];
        };
    };
    listKnowledge: {
        parameters: {
            query?: {
                /** @description `draft`: the answers saved from agents' replies, awaiting review; `published`: what the AI uses. */
                status?: "draft" | "published";
            };
            header?: never;
            path: {
                /** @description The widget's public site key (as in the script tag). */
                siteKey: components["parameters"]["siteKey"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The entries. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        entries: components["schemas"]["KnowledgeEntry"][];
                    };
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            422: components["responses"]["Unprocessable"];
            503: components["responses"]["Unavailable"];
        };
    };
    createKnowledgeEntry: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The widget's public site key (as in the script tag). */
                siteKey: components["parameters"]["siteKey"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["KnowledgeEntryInput"];
            };
        };
        responses: {
            /** @description The new entry. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["KnowledgeEntryEnvelope"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["TooLarge"];
            422: components["responses"]["Unprocessable"];
            503: components["responses"]["Unavailable"];
        };
    };
    importKnowledge: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The widget's public site key (as in the script tag). */
                siteKey: components["parameters"]["siteKey"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @enum {string} */
                    format: "markdown" | "csv";
                    content: string;
                };
            };
        };
        responses: {
            /** @description The entries added. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        count: number;
                        entries: components["schemas"]["KnowledgeEntry"][];
                    };
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["TooLarge"];
            422: components["responses"]["Unprocessable"];
            503: components["responses"]["Unavailable"];
        };
    };
    tryKnowledge: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The widget's public site key (as in the script tag). */
                siteKey: components["parameters"]["siteKey"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    question: string;
                };
            };
        };
        responses: {
            /** @description The answer and its sources. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["KnowledgeTry"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["TooLarge"];
            422: components["responses"]["Unprocessable"];
            503: components["responses"]["Unavailable"];
        };
    };
    knowledgeGaps: {
        parameters: {
            query?: {
                /** @description The window, 1 to 365 days (default 30); anything else is 422 `invalid_days`. */
                days?: string;
            };
            header?: never;
            path: {
                /** @description The widget's public site key (as in the script tag). */
                siteKey: components["parameters"]["siteKey"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The groups. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["KnowledgeGaps"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            422: components["responses"]["Unprocessable"];
            503: components["responses"]["Unavailable"];
        };
    };
    publishKnowledgeEntry: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The widget's public site key (as in the script tag). */
                siteKey: components["parameters"]["siteKey"];
                /** @description The entry's numeric id. Anything else is 404 `entry_not_found`. */
                entryId: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["KnowledgeEntryInput"];
            };
        };
        responses: {
            /** @description The published entry. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["KnowledgeEntryEnvelope"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["TooLarge"];
            422: components["responses"]["Unprocessable"];
            503: components["responses"]["Unavailable"];
        };
    };
    listKnowledgeSources: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The widget's public site key (as in the script tag). */
                siteKey: components["parameters"]["siteKey"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The sources, oldest first. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        sources: components["schemas"]["KnowledgeSource"][];
                    };
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            503: components["responses"]["Unavailable"];
        };
    };
    addKnowledgeSource: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The widget's public site key (as in the script tag). */
                siteKey: components["parameters"]["siteKey"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    url: string;
                    /**
                     * @description One page (the default), the pages a sitemap lists, or the site's pages by their links.
                     * @enum {string}
                     */
                    kind?: "page" | "sitemap" | "site";
                    /** @description At most PARLEY_KB_MAX_PAGES; default 50 (a page: 1). */
                    max_pages?: number;
                    /** @description Re-sync every this many hours; null or absent = by hand only. */
                    sync_hours?: number | null;
                };
            };
        };
        responses: {
            /** @description The source, queued. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["KnowledgeSourceEnvelope"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["TooLarge"];
            422: components["responses"]["Unprocessable"];
            503: components["responses"]["Unavailable"];
        };
    };
    getKnowledgeSource: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The widget's public site key (as in the script tag). */
                siteKey: components["parameters"]["siteKey"];
                /** @description The knowledge source's numeric id. Anything else is 404 `source_not_found`. */
                sourceId: components["parameters"]["sourceId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The source. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["KnowledgeSourceEnvelope"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            503: components["responses"]["Unavailable"];
        };
    };
    updateKnowledgeSource: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The widget's public site key (as in the script tag). */
                siteKey: components["parameters"]["siteKey"];
                /** @description The knowledge source's numeric id. Anything else is 404 `source_not_found`. */
                sourceId: components["parameters"]["sourceId"];
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    max_pages?: number;
                    sync_hours?: number | null;
                };
            };
        };
        responses: {
            /** @description The source. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["KnowledgeSourceEnvelope"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["TooLarge"];
            422: components["responses"]["Unprocessable"];
            503: components["responses"]["Unavailable"];
        };
    };
    deleteKnowledgeSource: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The widget's public site key (as in the script tag). */
                siteKey: components["parameters"]["siteKey"];
                /** @description The knowledge source's numeric id. Anything else is 404 `source_not_found`. */
                sourceId: components["parameters"]["sourceId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            503: components["responses"]["Unavailable"];
        };
    };
    syncKnowledgeSource: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The widget's public site key (as in the script tag). */
                siteKey: components["parameters"]["siteKey"];
                /** @description The knowledge source's numeric id. Anything else is 404 `source_not_found`. */
                sourceId: components["parameters"]["sourceId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The source, queued. */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["KnowledgeSourceEnvelope"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            503: components["responses"]["Unavailable"];
        };
    };
    uploadKnowledgeFile: {
        parameters: {
            query: {
                name: string;
                /** @description The id of the document source this file replaces. */
                replace?: string;
            };
            header?: never;
            path: {
                /** @description The widget's public site key (as in the script tag). */
                siteKey: components["parameters"]["siteKey"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/octet-stream": string;
            };
        };
        responses: {
            /** @description The document's source, ready (its vectors are computed in the background). */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["KnowledgeSourceEnvelope"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["TooLarge"];
            422: components["responses"]["Unprocessable"];
            503: components["responses"]["Unavailable"];
        };
    };
    updateKnowledgeEntry: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The widget's public site key (as in the script tag). */
                siteKey: components["parameters"]["siteKey"];
                /** @description The entry's numeric id. Anything else is 404 `entry_not_found`. */
                entryId: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["KnowledgeEntryInput"];
            };
        };
        responses: {
            /** @description The updated entry. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["KnowledgeEntryEnvelope"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["TooLarge"];
            422: components["responses"]["Unprocessable"];
            503: components["responses"]["Unavailable"];
        };
    };
    deleteKnowledgeEntry: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The widget's public site key (as in the script tag). */
                siteKey: components["parameters"]["siteKey"];
                /** @description The entry's numeric id. Anything else is 404 `entry_not_found`. */
                entryId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["TooLarge"];
            503: components["responses"]["Unavailable"];
        };
    };
    searchHistory: {
        parameters: {
            query?: {
                /** @description Text to look for (up to 200 characters); empty lists everything. */
                q?: string;
                /** @description Page size, 1-100 (default 25). */
                limit?: number;
                /** @description How many results to skip (the previous page's `next_offset`). */
                offset?: number;
                /**
                 * @description Label ids (repeated, or comma-separated): conversations carrying every one. An id of
                 *     no label matches nothing.
                 */
                label?: string[];
                /** @description Only closed, or only abandoned, conversations. */
                status?: "closed" | "abandoned";
                /** @description A widget's site key (one the caller does not see matches nothing). */
                widget?: string;
                /** @description The id of the agent who had it, or `none` for the AI's alone. */
                agent?: string;
                /** @description Comma-separated ratings 1-5 and `none` (not rated); any of them. */
                rating?: string;
                /** @description Closed on this day or after (YYYY-MM-DD, in `tz`). */
                from?: string;
                /** @description Closed on this day or before (YYYY-MM-DD, in `tz`). */
                to?: string;
                /** @description The IANA time zone of `from` and `to` (default UTC). */
                tz?: string;
                /** @description Only conversations where a file was sent (true), or none was (false). */
                has_attachments?: "true" | "false";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One page of conversations. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HistoryPage"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            422: components["responses"]["Unprocessable"];
            503: components["responses"]["Unavailable"];
        };
    };
    getSessionDetails: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The session's id (a UUID). */
                sessionId: components["parameters"]["sessionId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The conversation. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SessionDetails"];
                };
            };
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            503: components["responses"]["Unavailable"];
        };
    };
    emailTranscript: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The session's id (a UUID). */
                sessionId: components["parameters"]["sessionId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Queued; the outbox sends it shortly. */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description The outbox row that sends it. */
                        id: number;
                        session_id: string;
                        /** @description False when the same transcript was queued already. */
                        queued: boolean;
                    };
                };
            };
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            503: components["responses"]["Unavailable"];
        };
    };
    saveAnswer: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The session's id (a UUID). */
                sessionId: components["parameters"]["sessionId"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description The agent message's `id` (as in its `message` frame). */
                    message_id: number;
                };
            };
        };
        responses: {
            /** @description The draft. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["KnowledgeEntryEnvelope"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["TooLarge"];
            422: components["responses"]["Unprocessable"];
            503: components["responses"]["Unavailable"];
        };
    };
    listSessionNotes: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The session's id (a UUID). */
                sessionId: components["parameters"]["sessionId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The notes. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        notes: components["schemas"]["Note"][];
                    };
                };
            };
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            503: components["responses"]["Unavailable"];
        };
    };
    listTeam: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The team. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Team"];
                };
            };
            401: components["responses"]["Unauthorized"];
            503: components["responses"]["Unavailable"];
        };
    };
    listCannedResponses: {
        parameters: {
            query?: {
                /** @description Only this widget's (and the global) responses. */
                site_key?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The canned responses. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CannedResponseList"];
                };
            };
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            503: components["responses"]["Unavailable"];
        };
    };
    createCannedResponse: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CannedResponseInput"] & {
                    /** @description The widget; absent or null for a global or personal response. */
                    site_key?: string | null;
                    /** @description True for the caller's own response (not with `site_key`, 422 otherwise). */
                    personal?: boolean | null;
                };
            };
        };
        responses: {
            /** @description The new canned response. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CannedResponseEnvelope"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["TooLarge"];
            422: components["responses"]["Unprocessable"];
            503: components["responses"]["Unavailable"];
        };
    };
    updateCannedResponse: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The canned response's numeric id. Anything else is 404 `canned_not_found`. */
                cannedId: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["CannedResponseInput"];
            };
        };
        responses: {
            /** @description The updated canned response. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CannedResponseEnvelope"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["TooLarge"];
            422: components["responses"]["Unprocessable"];
            503: components["responses"]["Unavailable"];
        };
    };
    deleteCannedResponse: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The canned response's numeric id. Anything else is 404 `canned_not_found`. */
                cannedId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            503: components["responses"]["Unavailable"];
        };
    };
    getAnalytics: {
        parameters: {
            query?: {
                /** @description First local day (default 29 days before `to`). */
                from?: string;
                /** @description Last local day, included (default today in `tz`). At most 366 days in all. */
                to?: string;
                /** @description The IANA time zone days and hours are counted in (default UTC). */
                tz?: components["parameters"]["analyticsTz"];
                /** @description Only this widget (default every widget the caller can see). */
                site_key?: components["parameters"]["analyticsSiteKey"];
                format?: "json" | "csv";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The report. */
            200: {
                headers: {
                    /** @description With `format=csv`, `attachment; filename="parley-analytics-FROM-to-TO.csv"`. */
                    "Content-Disposition"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AnalyticsReport"];
                    "text/csv": string;
                };
            };
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            422: components["responses"]["Unprocessable"];
            503: components["responses"]["Unavailable"];
        };
    };
    getLiveAnalytics: {
        parameters: {
            query?: {
                /** @description The IANA time zone days and hours are counted in (default UTC). */
                tz?: components["parameters"]["analyticsTz"];
                /** @description Only this widget (default every widget the caller can see). */
                site_key?: components["parameters"]["analyticsSiteKey"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The live figures. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LiveAnalytics"];
                };
            };
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            422: components["responses"]["Unprocessable"];
            503: components["responses"]["Unavailable"];
        };
    };
    getOpenAPI: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The OpenAPI 3.1 description of this API. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": Record<string, never>;
                };
            };
        };
    };
    listOutbox: {
        parameters: {
            query?: {
                /** @description Which emails (default failed). */
                status?: "pending" | "failed" | "sent" | "skipped";
                /** @description At most this many (1-500, default 50). */
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The counts by status, and the emails. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        counts: components["schemas"]["OutboxCounts"];
                        rows: components["schemas"]["OutboxEmail"][];
                    };
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            422: components["responses"]["Unprocessable"];
            503: components["responses"]["Unavailable"];
        };
    };
    countOutbox: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The counts. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        counts: components["schemas"]["OutboxCounts"];
                    };
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            503: components["responses"]["Unavailable"];
        };
    };
    retryOutboxEmail: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The email's id in the outbox. Anything else is 404 `outbox_not_found`. */
                emailId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The email, pending. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        email: components["schemas"]["OutboxEmail"];
                    };
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["TooLarge"];
            503: components["responses"]["Unavailable"];
        };
    };
    listAudit: {
        parameters: {
            query?: {
                /** @description A user's id or username, `chatctl` (the CLI) or `system`. */
                actor?: string;
                /** @description An action code or its start (`widget` or `widget.update`). */
                action?: string;
                /** @description What was changed (`widget`, `user`, `canned`, `label`, `outbox`). */
                target_type?: string;
                /** @description Its id (a widget's site key, a user's id, an email's id). */
                target_id?: string;
                /** @description From this date (YYYY-MM-DD, UTC) or ISO date-time, included. */
                from?: string;
                /** @description Up to this date (its whole day included) or ISO date-time (excluded). */
                to?: string;
                /** @description The `next_cursor` of the previous page. */
                cursor?: string;
                /** @description At most this many (1-500, default 50). */
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of entries, newest first. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        entries: components["schemas"]["AuditEntry"][];
                        /** @description Pass as `cursor` for the next, older page; null at the end. */
                        next_cursor: string | null;
                    };
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            503: components["responses"]["Unavailable"];
        };
    };
    findVisitor: {
        parameters: {
            query?: {
                email?: string;
                user_id?: string;
                session_id?: string;
                /** @description A widget's site key. */
                widget?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description What was found (maybe nothing), oldest first. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        query: {
                            /** @enum {string} */
                            kind?: "email" | "user_id" | "session_id";
                            value?: string;
                        };
                        sessions: components["schemas"]["FoundConversation"][];
                    };
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            503: components["responses"]["Unavailable"];
        };
    };
    exportVisitor: {
        parameters: {
            query?: {
                email?: string;
                user_id?: string;
                session_id?: string;
                widget?: string;
                /** @description Include the team's private notes (`true` or `false`, the default). */
                notes?: "true" | "false" | "1" | "0";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The archive (Content-Disposition attachment). */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/zip": string;
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            503: components["responses"]["Unavailable"];
        };
    };
    eraseVisitor: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    email?: string;
                    user_id?: string;
                    session_id?: string;
                    widget?: string;
                    confirm: string;
                };
            };
        };
        responses: {
            /** @description What was erased. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description Rows deleted per table (`messages`, `notes`, `uploads`, `outbox`, `session_tokens`, `session_context`…), `sessions` blanked, `files` (stored objects) and `redis_keys` deleted. */
                        erased: {
                            [key: string]: number;
                        };
                        sessions: string[];
                    };
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            503: components["responses"]["Unavailable"];
        };
    };
    uploadFile: {
        parameters: {
            query?: {
                /**
                 * @description The file's name; kept for display only, sanitised (base name, no control
                 *     characters or slashes, NFC, at most 255 characters; "file" when empty).
                 */
                name?: string;
            };
            header?: {
                /**
                 * @description Sent by browsers. Must be the server's own origin or one of the widget's
                 *     `allowed_origins`, else 403 `origin_not_allowed`. Without it (a server-side client)
                 *     the token alone decides.
                 */
                Origin?: components["parameters"]["Origin"];
            };
            path: {
                /** @description The widget's public site key (as in the script tag). */
                siteKey: components["parameters"]["siteKey"];
                /** @description The session's id (a UUID). */
                sessionId: components["parameters"]["sessionId"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/octet-stream": string;
            };
        };
        responses: {
            /** @description The stored upload. */
            201: {
                headers: {
                    "Access-Control-Allow-Origin": components["headers"]["AccessControlAllowOrigin"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        upload: components["schemas"]["Upload"];
                    };
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["TooLarge"];
            415: components["responses"]["UnsupportedType"];
            422: components["responses"]["Unprocessable"];
            429: components["responses"]["RateLimited"];
            503: components["responses"]["Unavailable"];
        };
    };
    uploadFilePreflight: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description Sent by browsers. Must be the server's own origin or one of the widget's
                 *     `allowed_origins`, else 403 `origin_not_allowed`. Without it (a server-side client)
                 *     the token alone decides.
                 */
                Origin?: components["parameters"]["Origin"];
            };
            path: {
                /** @description The widget's public site key (as in the script tag). */
                siteKey: components["parameters"]["siteKey"];
                /** @description The session's id (a UUID). */
                sessionId: components["parameters"]["sessionId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            204: components["responses"]["Preflight"];
            400: components["responses"]["BadRequest"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            503: components["responses"]["Unavailable"];
        };
    };
    getFile: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description Sent by browsers. Must be the server's own origin or one of the widget's
                 *     `allowed_origins`, else 403 `origin_not_allowed`. Without it (a server-side client)
                 *     the token alone decides.
                 */
                Origin?: components["parameters"]["Origin"];
            };
            path: {
                /** @description An upload's id (32 hex characters, random). */
                uploadId: components["parameters"]["uploadId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: components["responses"]["FileBody"];
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            503: components["responses"]["Unavailable"];
        };
    };
    getFilePreflight: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description Sent by browsers. Must be the server's own origin or one of the widget's
                 *     `allowed_origins`, else 403 `origin_not_allowed`. Without it (a server-side client)
                 *     the token alone decides.
                 */
                Origin?: components["parameters"]["Origin"];
            };
            path: {
                /** @description An upload's id (32 hex characters, random). */
                uploadId: components["parameters"]["uploadId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            204: components["responses"]["Preflight"];
            400: components["responses"]["BadRequest"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            503: components["responses"]["Unavailable"];
        };
    };
    getFileThumb: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description Sent by browsers. Must be the server's own origin or one of the widget's
                 *     `allowed_origins`, else 403 `origin_not_allowed`. Without it (a server-side client)
                 *     the token alone decides.
                 */
                Origin?: components["parameters"]["Origin"];
            };
            path: {
                /** @description An upload's id (32 hex characters, random). */
                uploadId: components["parameters"]["uploadId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: components["responses"]["FileBody"];
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            503: components["responses"]["Unavailable"];
        };
    };
    getFileThumbPreflight: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description Sent by browsers. Must be the server's own origin or one of the widget's
                 *     `allowed_origins`, else 403 `origin_not_allowed`. Without it (a server-side client)
                 *     the token alone decides.
                 */
                Origin?: components["parameters"]["Origin"];
            };
            path: {
                /** @description An upload's id (32 hex characters, random). */
                uploadId: components["parameters"]["uploadId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            204: components["responses"]["Preflight"];
            400: components["responses"]["BadRequest"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            503: components["responses"]["Unavailable"];
        };
    };
    listLabels: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The labels and the palette. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LabelList"];
                };
            };
            401: components["responses"]["Unauthorized"];
            503: components["responses"]["Unavailable"];
        };
    };
    createLabel: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["LabelInput"] & Record<string, never>;
            };
        };
        responses: {
            /** @description The new label. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LabelEnvelope"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["TooLarge"];
            422: components["responses"]["Unprocessable"];
            503: components["responses"]["Unavailable"];
        };
    };
    updateLabel: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A label's numeric id. Anything else is 404 `label_not_found`. */
                labelId: components["parameters"]["labelId"];
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["LabelInput"];
            };
        };
        responses: {
            /** @description The label after the change. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LabelEnvelope"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["TooLarge"];
            422: components["responses"]["Unprocessable"];
            503: components["responses"]["Unavailable"];
        };
    };
    deleteLabel: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A label's numeric id. Anything else is 404 `label_not_found`. */
                labelId: components["parameters"]["labelId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            503: components["responses"]["Unavailable"];
        };
    };
    getSessionLabels: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The session's id (a UUID). */
                sessionId: components["parameters"]["sessionId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The conversation's labels. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SessionLabels"];
                };
            };
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            503: components["responses"]["Unavailable"];
        };
    };
    addSessionLabel: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The session's id (a UUID). */
                sessionId: components["parameters"]["sessionId"];
                /** @description A label's numeric id. Anything else is 404 `label_not_found`. */
                labelId: components["parameters"]["labelId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The conversation's labels now. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SessionLabels"];
                };
            };
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            503: components["responses"]["Unavailable"];
        };
    };
    removeSessionLabel: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The session's id (a UUID). */
                sessionId: components["parameters"]["sessionId"];
                /** @description A label's numeric id. Anything else is 404 `label_not_found`. */
                labelId: components["parameters"]["labelId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The conversation's labels now. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SessionLabels"];
                };
            };
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            503: components["responses"]["Unavailable"];
        };
    };
    listSavedViews: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The views. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SavedViewList"];
                };
            };
            401: components["responses"]["Unauthorized"];
            503: components["responses"]["Unavailable"];
        };
    };
    createSavedView: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["SavedViewInput"] & Record<string, never>;
            };
        };
        responses: {
            /** @description The new view. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SavedViewEnvelope"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["TooLarge"];
            422: components["responses"]["Unprocessable"];
            503: components["responses"]["Unavailable"];
        };
    };
    updateSavedView: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description One of the caller's views' numeric id. Anything else, another user's included, is
                 *     404 `view_not_found`.
                 */
                viewId: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["SavedViewInput"];
            };
        };
        responses: {
            /** @description The view after the change. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SavedViewEnvelope"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["TooLarge"];
            422: components["responses"]["Unprocessable"];
            503: components["responses"]["Unavailable"];
        };
    };
    deleteSavedView: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description One of the caller's views' numeric id. Anything else, another user's included, is
                 *     404 `view_not_found`.
                 */
                viewId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            503: components["responses"]["Unavailable"];
        };
    };
}
