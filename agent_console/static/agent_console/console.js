/*
 * Sportello operator console — the browser side of docs/console-protocol.md.
 *
 * Vanilla JavaScript, no build step, nothing fetched from a CDN. One websocket per page
 * (session-authenticated): the queue page renders `queue` snapshots; the conversation page
 * watches one conversation (chat, typing, forms, pushes). Every server or customer string
 * is set with textContent / attributes only; HTML fragments come from Django templates.
 * What the operator reads goes through gettext() & co. from Django's JavaScript catalog
 * (/console/jsi18n/, loaded first); codes sent over the socket are never translated.
 */
(function () {
  "use strict";

  const page = document.body.dataset.page;
  if (page !== "queue" && page !== "conversation") return;

  const BACKOFF_FIRST_MS = 500;
  const BACKOFF_MAX_MS = 10000;
  const PING_INTERVAL_MS = 25000;
  const TYPING_THROTTLE_MS = 2000;
  const TYPING_IDLE_MS = 3000;
  const FORM_DEBOUNCE_MS = 300;
  const FILTER_DEBOUNCE_MS = 250;

  // --- helpers -----------------------------------------------------------------------------

  // Django's catalog defines these globally; without it (a failed load) the English stays.
  const gettext = window.gettext || ((text) => text);
  const pgettext = window.pgettext || ((context, text) => text);
  const interpolate =
    window.interpolate ||
    ((fmt, obj, named) =>
      named ? fmt.replace(/%\(\w+\)s/g, (m) => String(obj[m.slice(2, -2)])) : fmt.replace(/%s/g, () => String(obj.shift())));

  function format(fmt, values) {
    return interpolate(fmt, values, true);
  }

  // Operator-facing names of codes (same msgids as agent_console/labels.py); unknown → the code.
  const LABELS = {
    state: {
      bot: pgettext("conversation state", "with the bot"),
      queued: pgettext("conversation state", "waiting"),
      human: pgettext("conversation state", "with an operator"),
      closed: pgettext("conversation state", "closed"),
    },
    channel: { web: gettext("web chat"), email: gettext("e-mail"), phone: gettext("phone") },
    reason: {
      asked: gettext("asked for a person"),
      complaint: gettext("complaint"),
      bot_unavailable: gettext("bot unavailable"),
    },
    socket: {
      connecting: gettext("connecting…"),
      reconnecting: gettext("reconnecting…"),
      online: gettext("online"),
      closed: gettext("closed"),
    },
  };

  function label(group, code) {
    return (LABELS[group] && LABELS[group][code]) || code || "";
  }

  // Error frames: the code is the contract, `detail` is English for logs; show our words.
  const ERRORS = {
    invalid_json: gettext("The console sent something the server did not understand."),
    unknown_type: gettext("The console sent something the server did not understand."),
    invalid_frame: gettext("This is not allowed here."),
    too_long: gettext("The text is too long."),
    rate_limited: gettext("Too many actions at once: wait a moment and retry."),
    not_found: gettext("Not found: it may have been removed."),
    forbidden: gettext("This conversation belongs to another team."),
    illegal_state: gettext("The conversation's state does not allow this."),
    over_limit: gettext("The colleague already has as many chats as their limit."),
  };

  function errorText(frame) {
    if (frame.code === "not_owner" && frame.owner) {
      return format(gettext("Only %(owner)s, who has this chat, may do this."), { owner: frame.owner });
    }
    if (frame.code === "not_owner") return gettext("Only the operator who has this chat may do this.");
    return ERRORS[frame.code] || frame.detail || frame.code;
  }

  function refusalText(frame) {
    if (frame.reason === "limit") return gettext("You have reached your limit of chats");
    if (frame.owner) return format(gettext("Already taken by %(owner)s"), { owner: frame.owner });
    return gettext("Not available any more");
  }

  function h(tag, props, ...children) {
    const el = document.createElement(tag);
    for (const [name, value] of Object.entries(props || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (name === "class") el.className = value;
      else if (name === "text") el.textContent = value;
      else if (name.startsWith("on")) el.addEventListener(name.slice(2), value);
      else el.setAttribute(name, value === true ? "" : String(value));
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      el.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return el;
  }

  function pad(n) {
    return String(n).padStart(2, "0");
  }

  function clock(iso) {
    const date = iso ? new Date(iso) : new Date();
    return Number.isNaN(date.getTime()) ? "" : `${pad(date.getHours())}:${pad(date.getMinutes())}`;
  }

  function waited(iso) {
    if (!iso) return "";
    const seconds = Math.max(0, Math.floor((Date.now() - new Date(iso).getTime()) / 1000));
    const minutes = Math.floor(seconds / 60);
    return minutes >= 60
      ? `${Math.floor(minutes / 60)}h ${pad(minutes % 60)}m`
      : `${minutes}:${pad(seconds % 60)}`;
  }

  function readable(value) {
    if (value === null || value === undefined) return "";
    if (Array.isArray(value)) return value.map(readable).filter(Boolean).join(", ");
    if (typeof value === "object") {
      return Object.entries(value)
        .map(([k, v]) => [k, readable(v)])
        .filter(([, v]) => v)
        .map(([k, v]) => `${k}: ${v}`)
        .join("; ");
    }
    return String(value);
  }

  function newId() {
    if (window.crypto && window.crypto.randomUUID) return `o-${window.crypto.randomUUID()}`;
    return `o-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
  }

  function debounce(fn, ms) {
    let timer = null;
    return (...args) => {
      clearTimeout(timer);
      timer = setTimeout(() => fn(...args), ms);
    };
  }

  function jsonData(id) {
    const el = document.getElementById(id);
    if (!el) return null;
    try {
      return JSON.parse(el.textContent);
    } catch (_) {
      return null;
    }
  }

  // --- the socket ----------------------------------------------------------------------------

  const statusEl = document.getElementById("socket-status");
  const handlers = {};
  const Socket = {
    ws: null,
    attempt: 0,
    me: null,
    connect() {
      const scheme = location.protocol === "https:" ? "wss:" : "ws:";
      const ws = new WebSocket(`${scheme}//${location.host}/ws/console/`);
      this.ws = ws;
      setStatus(this.attempt ? "reconnecting" : "connecting");
      ws.onmessage = (event) => {
        let frame;
        try {
          frame = JSON.parse(event.data);
        } catch (_) {
          return;
        }
        if (frame && typeof frame.type === "string") dispatch(frame);
      };
      ws.onclose = (event) => {
        if (ws !== this.ws) return;
        clearInterval(this.ping);
        if (event.code === 4401) {
          location.href = "/console/login/"; // logged out (maybe in another tab)
          return;
        }
        if (event.code === 4403) {
          setStatus("closed", gettext("not allowed"));
          return;
        }
        const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS * 2 ** this.attempt);
        this.attempt += 1;
        setStatus("reconnecting");
        setTimeout(() => this.connect(), ceiling / 2 + Math.random() * (ceiling / 2));
      };
    },
    send(frame) {
      if (!this.ws || this.ws.readyState !== WebSocket.OPEN) return false;
      this.ws.send(JSON.stringify(frame));
      return true;
    },
  };

  function setStatus(kind, text) {
    if (!statusEl) return;
    statusEl.dataset.status = kind;
    statusEl.textContent = text || label("socket", kind);
  }

  function on(type, fn) {
    (handlers[type] = handlers[type] || []).push(fn);
  }

  function dispatch(frame) {
    for (const fn of handlers[frame.type] || []) fn(frame);
  }

  on("hello", (frame) => {
    Socket.me = frame.operator;
    Socket.attempt = 0;
    setStatus("online");
    clearInterval(Socket.ping);
    Socket.ping = setInterval(() => Socket.send({ type: "ping" }), PING_INTERVAL_MS);
    const presence = document.getElementById("presence");
    if (presence && frame.operator.presence !== "offline") presence.value = frame.operator.presence;
  });

  const presenceSelect = document.getElementById("presence");
  if (presenceSelect) {
    presenceSelect.addEventListener("change", () =>
      Socket.send({ type: "presence", presence: presenceSelect.value }),
    );
  }

  // --- new handoffs: sound and desktop notification -------------------------------------------

  let knownQueued = null;
  const notifyButton = document.getElementById("notify-enable");
  if (notifyButton && "Notification" in window && Notification.permission === "default") {
    notifyButton.hidden = false;
    notifyButton.addEventListener("click", () => {
      Notification.requestPermission().finally(() => {
        notifyButton.hidden = true;
      });
    });
  }

  function beep() {
    try {
      const Context = window.AudioContext || window.webkitAudioContext;
      const ctx = new Context();
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.frequency.value = 880;
      gain.gain.value = 0.08;
      osc.connect(gain);
      gain.connect(ctx.destination);
      osc.start();
      osc.stop(ctx.currentTime + 0.18);
    } catch (_) {
      /* no audio: the list still flashes */
    }
  }

  on("queue", (frame) => {
    const ids = new Set((frame.queued || []).map((c) => c.id));
    const fresh = knownQueued === null ? [] : (frame.queued || []).filter((c) => !knownQueued.has(c.id));
    knownQueued = ids;
    if (!fresh.length) return;
    const away = presenceSelect && presenceSelect.value === "away";
    if (away) return;
    beep();
    if ("Notification" in window && Notification.permission === "granted") {
      for (const c of fresh) {
        const who = c.customer ? c.customer.name : gettext("A visitor");
        const note = new Notification(gettext("New chat waiting"), {
          body: `${who} — ${label("reason", c.reason || "asked")}`,
          tag: `sportello-${c.id}`,
        });
        note.onclick = () => {
          window.focus();
          location.href = `/console/conversations/${c.id}/`;
        };
      }
    }
  });

  // --- queue page ------------------------------------------------------------------------------

  if (page === "queue") {
    const lists = {
      queued: document.getElementById("list-queued"),
      mine: document.getElementById("list-mine"),
      bot: document.getElementById("list-bot"),
      others: document.getElementById("list-others"),
    };
    const refused = new Map(); // conversation id -> "taken by …"
    let previous = new Set();

    function contextList(context) {
      const rows = [];
      const add = (label, value) => {
        const text = readable(value);
        if (text) rows.push(h("dt", {}, label), h("dd", {}, text));
      };
      add(gettext("asked"), context.last_message);
      add(gettext("topic"), context.topic);
      add(gettext("KB path"), context.kb_path);
      add(gettext("shop answers"), context.shop_assistant);
      add(gettext("items shown"), context.products_shown);
      add(gettext("order"), context.order_number);
      add(gettext("request"), context.ticket);
      if (context.transfer) {
        const from = context.transfer.from || gettext("a colleague");
        add(format(gettext("from %(colleague)s"), { colleague: from }), context.transfer.note);
      }
      return rows.length ? h("dl", { class: "context", "data-testid": "context-card" }, rows) : null;
    }

    function card(c, lane) {
      const who = c.customer ? c.customer.name : gettext("Anonymous visitor");
      const takeable = lane === "queued" || lane === "bot";
      const refusal = refused.get(c.id);
      const el = h(
        "li",
        {
          class: `card${c.priority > 0 ? " priority" : ""}${previous.has(c.id) ? "" : " new"}`,
          "data-testid": lane === "queued" ? "queue-item" : `${lane}-item`,
          "data-conversation": c.id,
        },
        h(
          "div",
          { class: "card-head" },
          h("span", { class: "name" }, who),
          c.customer && c.customer.verified ? h("span", { class: "badge ok" }, gettext("verified")) : null,
          c.reason ? h("span", { class: `reason reason-${c.reason}` }, label("reason", c.reason)) : null,
          c.ticket ? h("span", { class: "badge" }, `#${c.ticket}`) : null,
          h("span", { class: "badge", "data-testid": "channel", "data-channel": c.channel }, LABELS.channel[c.channel] || c.channel_label),
          h("span", { class: "badge" }, c.team_name || gettext("no team")),
          lane === "queued"
            ? h("span", { class: "wait", "data-since": c.queued_at || "" }, waited(c.queued_at))
            : h("span", { class: "wait" }, clock(c.updated_at)),
        ),
        lane === "queued" ? contextList(c.context || {}) : null,
        c.last_text ? h("p", { class: "last" }, `“${c.last_text}”`) : null,
        lane === "others" ? h("p", { class: "muted" }, format(gettext("with %(owner)s"), { owner: c.owner })) : null,
        h(
          "div",
          { class: "card-actions" },
          takeable
            ? h(
                "button",
                {
                  type: "button",
                  class: "primary",
                  "data-testid": "take-over",
                  onclick: () => Socket.send({ type: "take_over", conversation: c.id }),
                },
                lane === "bot" ? gettext("Step in") : gettext("Take over"),
              )
            : null,
          h(
            "a",
            { href: `/console/conversations/${c.id}/`, "data-testid": "open-conversation" },
            lane === "mine" ? gettext("Open") : lane === "bot" ? gettext("Watch") : gettext("View"),
          ),
          refusal ? h("span", { class: "refused", "data-testid": "take-over-refused" }, refusal) : null,
        ),
      );
      return el;
    }

    function render(snapshot) {
      for (const [lane, list] of Object.entries(lists)) {
        const items = snapshot[lane] || [];
        list.replaceChildren(
          ...(items.length ? items.map((c) => card(c, lane)) : [h("li", { class: "empty" }, gettext("Nothing here."))]),
        );
        const count = document.getElementById(`count-${lane}`);
        if (count) count.textContent = String(items.length);
      }
      previous = new Set(Object.values(snapshot).flat().map((c) => c.id));
    }

    const initial = jsonData("queue-snapshot");
    if (initial) {
      render(initial);
      knownQueued = new Set((initial.queued || []).map((c) => c.id));
    }
    on("queue", render);
    on("take_over.ok", (frame) => {
      location.href = `/console/conversations/${frame.conversation}/`;
    });
    on("take_over.refused", (frame) => {
      refused.set(frame.conversation, refusalText(frame));
      Socket.send({ type: "queue" });
    });
    on("error", (frame) => {
      if (frame.conversation) refused.set(frame.conversation, errorText(frame));
      Socket.send({ type: "queue" });
    });
    setInterval(() => {
      for (const el of document.querySelectorAll(".wait[data-since]")) el.textContent = waited(el.dataset.since);
    }, 1000);
    // Chats the bot handles change without a state change: refresh the list now and then.
    setInterval(() => Socket.send({ type: "queue" }), 30000);
  }

  // --- conversation page -------------------------------------------------------------------------

  if (page === "conversation") {
    const root = document.getElementById("conversation");
    const conversationId = Number(root.dataset.conversation);
    const log = document.getElementById("chat-log");
    const scroller = document.getElementById("chat-scroller");
    const notice = document.getElementById("chat-notice");
    const typingEl = document.getElementById("customer-typing");
    const openedEl = document.getElementById("product-opened");
    const takeButton = document.getElementById("take-over");
    const refusedEl = document.getElementById("take-over-refused");
    const ownerActions = document.getElementById("owner-actions");
    const composer = document.getElementById("composer");
    const input = document.getElementById("composer-input");
    const noteToggle = document.getElementById("note-toggle");
    const cannedSelect = document.getElementById("canned");
    const canned = jsonData("canned-data") || [];
    let card = jsonData("conversation-card") || { id: conversationId };
    const messages = new Map(); // seq -> element
    const pending = new Map(); // client_msg_id -> element
    const forms = new Map(); // seq -> {controls, statusEl, version}
    const catalogItems = new Map(); // sku -> [li]
    let lastSeq = 0;
    let typingTimer = null;

    function canWrite() {
      return Boolean(Socket.me && card.state === "human" && card.owner_id === Socket.me.id);
    }

    function showNotice(text) {
      notice.textContent = text || "";
      notice.hidden = !text;
    }

    function nearBottom() {
      return scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 120;
    }

    function scrollEnd(force) {
      if (force || nearBottom()) requestAnimationFrame(() => (scroller.scrollTop = scroller.scrollHeight));
    }

    function applyCard(next) {
      if (!next) return;
      card = next;
      const state = document.getElementById("conversation-state");
      state.dataset.state = card.state;
      state.textContent = label("state", card.state);
      document.getElementById("conversation-owner").textContent = card.owner
        ? format(gettext("with %(owner)s"), { owner: card.owner })
        : "";
      document.getElementById("conversation-team").textContent = card.team_name ? `· ${card.team_name}` : "";
      updateControls();
    }

    function updateControls() {
      const writable = canWrite();
      takeButton.hidden = !(card.state === "bot" || card.state === "queued");
      takeButton.textContent = card.state === "bot" ? gettext("Step in") : gettext("Take over");
      ownerActions.hidden = !(writable || card.state === "queued");
      const noteMode = noteToggle.checked;
      const enabled = writable || noteMode;
      composer.setAttribute("aria-disabled", String(!enabled));
      composer.classList.toggle("note-mode", noteMode);
      input.placeholder = noteMode
        ? gettext("Internal note for colleagues (never sent to the customer)…")
        : writable
          ? gettext("Write to the customer…")
          : card.state === "closed"
            ? gettext("The conversation is closed")
            : gettext("Read-only: take over to write to the customer");
      document.getElementById("composer-send").disabled = !enabled;
      document.getElementById("push-catalog").disabled = !writable;
      for (const button of document.querySelectorAll('[data-testid="push-order-form"]')) button.disabled = !writable;
      for (const entry of forms.values()) entry.setEditable(writable);
    }

    // --- rendering messages

    function eventText(payload, text) {
      const who = payload.operator || "";
      switch (payload.event) {
        case "handoff":
          return format(gettext("Handed to the operators (%(reason)s)"), {
            reason: label("reason", payload.reason || "asked"),
          });
        case "operator_joined":
          return who ? format(gettext("%(operator)s joined"), { operator: who }) : gettext("An operator joined");
        case "operator_left":
          return who ? format(gettext("%(operator)s left"), { operator: who }) : gettext("The operator left");
        case "handed_back":
          return payload.resume_at
            ? format(gettext("Handed back to the bot at %(point)s"), { point: payload.resume_at })
            : gettext("Handed back to the bot");
        case "transferred":
          return payload.team
            ? format(gettext("Transferred to %(target)s"), { target: payload.team })
            : gettext("Transferred to another team");
        case "closed":
          return payload.outcome
            ? format(gettext("Closed: %(outcome)s"), { outcome: payload.outcome })
            : gettext("Closed");
        case "live_interaction":
          return gettext("The customer pressed Live Interaction");
        case "bot_unavailable":
          return gettext("The bot did not answer");
        case "form_submitted":
          return gettext("The customer sent the order form");
        case "order_created":
          // payload.text is what the customer was told (their language): show it as it is.
          return payload.text || format(gettext("Order %(number)s created"), { number: payload.order_number || "" });
        default:
          return text || payload.event || gettext("event");
      }
    }

    function senderLabel(frame) {
      if (frame.sender === "customer") return gettext("Customer");
      if (frame.sender === "bot") return gettext("Bot");
      if (frame.sender === "operator") return frame.author || gettext("Operator");
      return gettext("System");
    }

    function buildMessage(frame) {
      const payload = frame.payload && typeof frame.payload === "object" ? frame.payload : {};
      const kind = frame.kind || "text";
      if (kind === "event") {
        return h(
          "li",
          {
            class: "msg event",
            "data-testid": "chat-message",
            "data-seq": frame.seq,
            "data-kind": kind,
            "data-sender": frame.sender,
            "data-event": payload.event || "",
          },
          `${clock(frame.created_at)} · ${eventText(payload, frame.text)}`,
        );
      }
      const bubble = h("div", { class: "bubble" });
      if (kind === "catalog") {
        if (frame.text) bubble.append(h("div", {}, frame.text));
        const list = h("ul", { class: "mini-catalog", "data-testid": "console-catalog" });
        for (const product of payload.products || []) {
          const li = h("li", { "data-sku": product.sku }, `${product.sku} · ${product.name}`);
          list.append(li);
          if (!catalogItems.has(product.sku)) catalogItems.set(product.sku, []);
          catalogItems.get(product.sku).push(li);
        }
        bubble.append(list);
      } else if (kind === "form") {
        if (frame.text) bubble.append(h("div", {}, frame.text));
        bubble.append(buildLiveForm(frame.seq, payload));
      } else if (kind === "buttons") {
        bubble.append(h("div", {}, frame.text || ""));
        const titles = (payload.buttons || []).map((b) => b.title).filter(Boolean);
        if (titles.length) bubble.append(h("div", { class: "muted" }, `[${titles.join("] [")}]`));
      } else {
        bubble.textContent = frame.text || "";
        if (payload.postback) bubble.title = format(gettext("postback %(payload)s"), { payload: payload.postback });
      }
      return h(
        "li",
        {
          class: `msg from-${frame.sender} kind-${kind}${kind === "form" || kind === "catalog" ? " wide" : ""}`,
          "data-testid": "chat-message",
          "data-seq": frame.seq,
          "data-kind": kind,
          "data-sender": frame.sender,
        },
        h(
          "div",
          { class: "meta" },
          `${senderLabel(frame)}${kind === "internal_note" ? ` · ${gettext("internal note")}` : ""} · ${clock(frame.created_at)}`,
        ),
        bubble,
      );
    }

    function insertBySeq(el, seq) {
      for (const child of log.children) {
        const childSeq = Number(child.dataset.seq);
        if (child.dataset.seq === "" || childSeq > seq) {
          log.insertBefore(el, child);
          return;
        }
      }
      log.append(el);
    }

    function renderMessage(frame) {
      if (!Number.isInteger(frame.seq)) return;
      const known = messages.get(frame.seq);
      if (known) {
        // A replay after a reconnect: only a form may have moved on meanwhile.
        if (frame.kind === "form") applyFormPayload(frame.seq, frame.payload || {});
        return;
      }
      const el = buildMessage(frame);
      if (frame.client_msg_id && pending.has(frame.client_msg_id)) {
        pending.get(frame.client_msg_id).remove();
        pending.delete(frame.client_msg_id);
      }
      insertBySeq(el, frame.seq);
      messages.set(frame.seq, el);
      lastSeq = Math.max(lastSeq, frame.seq);
      if (frame.sender === "customer") typingEl.hidden = true;
      const payload = frame.payload || {};
      if (frame.kind === "event" && payload.event === "order_created") refreshHistory();
      scrollEnd(frame.sender === "operator");
    }

    // --- the order form, live

    function buildLiveForm(seq, payload) {
      const schema = payload.schema || {};
      const wrap = h("div", { class: "live-form", "data-testid": "console-form", "data-seq": seq });
      const controls = {};
      for (const field of schema.fields || []) {
        const name = field.name;
        let control;
        if (field.type === "select") {
          control = h("select", { name, "data-field": name }, h("option", { value: "" }, "—"));
          for (const option of field.options || []) {
            control.append(h("option", { value: option.value }, option.label || option.value));
          }
        } else {
          control = h("input", { name, "data-field": name, type: field.type === "number" ? "number" : "text" });
        }
        const send = debounce(() => {
          Socket.send({ type: "form_update", conversation: conversationId, seq, field: name, value: control.value });
        }, FORM_DEBOUNCE_MS);
        control.addEventListener("input", send);
        control.addEventListener("change", send);
        const error = h("p", { class: "field-error", "data-testid": "console-form-error", "data-field": name, hidden: true });
        wrap.append(h("label", {}, field.label || name), control, error);
        controls[name] = { control, error, private: name === "card_code" };
      }
      const statusEl = h("p", { class: "form-status", "data-testid": "console-form-status" });
      wrap.append(statusEl);
      const entry = {
        controls,
        statusEl,
        version: 0,
        status: "open",
        setEditable(writable) {
          for (const item of Object.values(controls)) {
            item.control.disabled = !(writable && entry.status === "open" && !item.private);
          }
        },
      };
      forms.set(seq, entry);
      applyFormPayload(seq, payload);
      return wrap;
    }

    function applyFormPayload(seq, payload) {
      applyFormState({
        seq,
        values: payload.values || {},
        errors: payload.errors || {},
        status: payload.status || "open",
        version: payload.version || 1,
        by: payload.updated_by || "operator",
        order_number: payload.order_number,
      });
    }

    function applyFormState(state) {
      const entry = forms.get(state.seq);
      if (!entry || state.version <= entry.version) return;
      entry.version = state.version;
      entry.status = state.status;
      for (const [name, item] of Object.entries(entry.controls)) {
        const value = state.values[name] === null || state.values[name] === undefined ? "" : String(state.values[name]);
        if (item.control !== document.activeElement && item.control.value !== value) {
          item.control.value = value;
          if (entry.version > 1) {
            item.control.classList.add("changed");
            setTimeout(() => item.control.classList.remove("changed"), 700);
          }
        }
        const errors = state.errors[name] || [];
        item.error.textContent = errors.join(" ");
        item.error.hidden = errors.length === 0;
      }
      entry.statusEl.dataset.status = state.status;
      entry.statusEl.textContent =
        state.status === "submitted"
          ? format(gettext("Sent by the customer: order %(number)s"), { number: state.order_number })
          : state.by === "customer"
            ? gettext("The customer is filling in the form…")
            : gettext("Waiting for the customer");
      entry.setEditable(canWrite());
    }

    // --- history (orders + timeline), server-rendered

    const history = document.getElementById("history");
    function applyTimelineFilters() {
      const shown = new Set(
        Array.from(document.querySelectorAll('[data-testid="timeline-filter"]'))
          .filter((box) => box.checked)
          .map((box) => box.value),
      );
      for (const item of document.querySelectorAll(".tl-item[data-kind]")) item.hidden = !shown.has(item.dataset.kind);
    }
    for (const box of document.querySelectorAll('[data-testid="timeline-filter"]')) {
      box.addEventListener("change", applyTimelineFilters);
    }
    function refreshHistory() {
      if (!history) return;
      fetch(history.dataset.url, { credentials: "same-origin" })
        .then((response) => (response.ok ? response.text() : Promise.reject(response.status)))
        .then((html) => {
          history.innerHTML = html; // our own Django template, escaped server-side
          applyTimelineFilters();
          timelineToLatest();
        })
        .catch(() => {});
    }
    // Oldest first, like a chat: the timeline's own scroll starts at the latest item.
    function timelineToLatest() {
      const items = document.querySelector(".timeline-items");
      if (items) items.scrollTop = items.scrollHeight;
    }
    applyTimelineFilters();
    timelineToLatest();

    // --- frames

    on("hello", () => {
      // (Re)connected: watch from the start; known messages are skipped, forms refreshed.
      Socket.send({ type: "watch", conversation: conversationId, last_seq: 0 });
      updateControls();
    });
    on("watching", (frame) => applyCard(frame.conversation));
    on("message", (frame) => frame.conversation === conversationId && renderMessage(frame));
    on("state", (frame) => {
      if (frame.readable === false) {
        showNotice(gettext("This conversation moved to a team you are not in."));
        card.state = "gone";
        updateControls();
        return;
      }
      if (frame.conversation && frame.conversation.id === conversationId) applyCard(frame.conversation);
    });
    on("typing", (frame) => {
      if (frame.conversation !== conversationId || frame.sender !== "customer") return;
      typingEl.hidden = !frame.active;
      clearTimeout(typingTimer);
      if (frame.active) typingTimer = setTimeout(() => (typingEl.hidden = true), 10000);
      scrollEnd(false);
    });
    on("form_state", (frame) => frame.conversation === conversationId && applyFormState(frame));
    on("product_opened", (frame) => {
      if (frame.conversation !== conversationId) return;
      openedEl.textContent = format(gettext("The customer opened %(name)s (%(sku)s)"), {
        name: frame.name || frame.sku,
        sku: frame.sku,
      });
      openedEl.dataset.sku = frame.sku;
      openedEl.hidden = false;
      for (const li of catalogItems.get(frame.sku) || []) li.classList.add("opened");
    });
    on("ack", (frame) => {
      const el = pending.get(frame.client_msg_id);
      if (el) el.classList.remove("pending");
    });
    on("take_over.ok", () => {
      refusedEl.hidden = true;
      showNotice("");
    });
    on("take_over.refused", (frame) => {
      refusedEl.textContent = refusalText(frame);
      refusedEl.hidden = false;
    });
    on("hand_back.ok", () => showNotice(gettext("Handed back to the bot.")));
    on("transfer.ok", (frame) => showNotice(format(gettext("Transferred to %(target)s."), { target: frame.to })));
    on("close.ok", () => showNotice(gettext("Conversation closed.")));
    on("error", (frame) => {
      if (frame.conversation && frame.conversation !== conversationId) return;
      const el = frame.client_msg_id ? pending.get(frame.client_msg_id) : null;
      if (el) {
        el.classList.add("failed");
        el.append(h("div", { class: "meta" }, format(gettext("Not sent: %(reason)s"), { reason: errorText(frame) })));
      }
      showNotice(errorText(frame));
    });

    // --- actions

    takeButton.addEventListener("click", () => Socket.send({ type: "take_over", conversation: conversationId }));
    document.getElementById("hand-back-form").addEventListener("submit", (event) => {
      event.preventDefault();
      const resumeAt = event.target.elements.resume_at.value.trim();
      Socket.send({ type: "hand_back", conversation: conversationId, resume_at: resumeAt });
    });
    document.getElementById("transfer-form").addEventListener("submit", (event) => {
      event.preventDefault();
      const [kind, value] = event.target.elements.target.value.split(":");
      const frame = { type: "transfer", conversation: conversationId, note: event.target.elements.note.value.trim() };
      frame[kind] = value;
      Socket.send(frame);
    });
    document.getElementById("close-form").addEventListener("submit", (event) => {
      event.preventDefault();
      Socket.send({ type: "close", conversation: conversationId, outcome: event.target.elements.outcome.value.trim() });
    });

    // composer: text to the customer, or an internal note
    function submitComposer() {
      const text = input.value.trim();
      if (!text) return;
      const note = noteToggle.checked;
      if (!note && !canWrite()) return;
      const id = newId();
      const el = h(
        "li",
        { class: `msg from-operator pending${note ? " kind-internal_note" : ""}`, "data-seq": "" },
        h("div", { class: "meta" }, note ? gettext("internal note · sending…") : gettext("sending…")),
        h("div", { class: "bubble" }, text),
      );
      pending.set(id, el);
      log.append(el);
      scrollEnd(true);
      Socket.send({ type: note ? "note" : "message", conversation: conversationId, client_msg_id: id, text });
      input.value = "";
      stopTyping();
    }
    composer.addEventListener("submit", (event) => {
      event.preventDefault();
      submitComposer();
    });
    input.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        submitComposer();
      }
    });
    noteToggle.addEventListener("change", updateControls);
    cannedSelect.addEventListener("change", () => {
      const chosen = canned[Number(cannedSelect.value)];
      if (chosen) {
        input.value = input.value ? `${input.value} ${chosen.text}` : chosen.text;
        input.focus();
      }
      cannedSelect.value = "";
    });
    input.addEventListener("input", () => {
      const shortcut = /^\/([a-z0-9_-]+)\s$/.exec(input.value);
      const found = shortcut && canned.find((c) => c.shortcut === shortcut[1]);
      if (found) input.value = found.text;
      noteTyping();
    });

    // our typing, to the customer: only while we own the chat
    const typing = { active: false, lastAt: 0, idle: null };
    function noteTyping() {
      if (!canWrite() || noteToggle.checked) return;
      clearTimeout(typing.idle);
      if (!input.value.trim()) return stopTyping();
      if (!typing.active || Date.now() - typing.lastAt > TYPING_THROTTLE_MS) {
        Socket.send({ type: "typing", conversation: conversationId, active: true });
        typing.active = true;
        typing.lastAt = Date.now();
      }
      typing.idle = setTimeout(stopTyping, TYPING_IDLE_MS);
    }
    function stopTyping() {
      clearTimeout(typing.idle);
      if (!typing.active) return;
      typing.active = false;
      if (canWrite()) Socket.send({ type: "typing", conversation: conversationId, active: false });
    }

    // --- tools: catalog filter with a live count, and the order form

    const tabs = document.querySelectorAll(".tab");
    function showTab(name) {
      for (const tab of tabs) tab.classList.toggle("active", tab.dataset.tab === name);
      for (const panel of document.querySelectorAll(".tab-panel")) panel.hidden = panel.dataset.panel !== name;
    }
    for (const tab of tabs) tab.addEventListener("click", () => showTab(tab.dataset.tab));

    const filterForm = document.getElementById("catalog-filter");
    const countEl = document.getElementById("catalog-count");
    const preview = document.getElementById("catalog-preview");
    const skuList = document.getElementById("catalog-skus");
    const products = new Map(); // sku -> card (sizes, colours) for the order form
    const orderForm = document.getElementById("order-form-push");
    let filterRequest = 0;

    function currentFilter() {
      const filter = {};
      for (const el of filterForm.elements) {
        if (!el.name) continue;
        if (el.type === "checkbox") filter[el.name] = el.checked;
        else if (el.value !== "") filter[el.name] = el.value;
      }
      return filter;
    }

    function refreshCount() {
      const params = new URLSearchParams({ language: root.dataset.language });
      for (const [key, value] of Object.entries(currentFilter())) {
        if (value === true) params.set(key, "1");
        else if (value !== false) params.set(key, value);
      }
      const request = (filterRequest += 1);
      countEl.textContent = "…";
      fetch(`/console/api/catalog/?${params}`, { credentials: "same-origin" })
        .then((response) => response.json())
        .then((data) => {
          if (request !== filterRequest) return; // an older answer arriving late
          if (data.error) {
            countEl.textContent = "?";
            showNotice(gettext("The catalog filter is not valid.") + ` (${data.detail})`);
            return;
          }
          countEl.textContent = String(data.count);
          preview.replaceChildren(
            ...data.products.map((product) => {
              products.set(product.sku, product);
              return h(
                "li",
                { "data-testid": "catalog-preview-item", "data-sku": product.sku },
                product.image ? h("img", { src: product.image, alt: "" }) : null,
                h("span", { class: "p-name" }, `${product.name} `, h("small", {}, `${product.sku} · ${product.material}`)),
                product.published ? null : h("span", { class: "badge new" }, gettext("unpublished")),
                product.offer_price
                  ? h("span", { class: "badge offer" }, product.offer_label || gettext("offer"))
                  : null,
                h("span", {}, `€ ${product.offer_price || product.price}`),
                h(
                  "button",
                  { type: "button", "data-testid": "prepare-order-form", onclick: () => chooseProduct(product.sku) },
                  gettext("Order form"),
                ),
              );
            }),
          );
          skuList.replaceChildren(...Array.from(products.keys()).map((sku) => h("option", { value: sku })));
        })
        .catch(() => {
          countEl.textContent = "?";
        });
    }
    filterForm.addEventListener("input", debounce(refreshCount, FILTER_DEBOUNCE_MS));
    filterForm.addEventListener("change", debounce(refreshCount, FILTER_DEBOUNCE_MS));
    refreshCount();

    document.getElementById("push-catalog").addEventListener("click", () => {
      Socket.send({
        type: "push_catalog",
        conversation: conversationId,
        client_msg_id: newId(),
        filter: currentFilter(),
      });
    });

    function fillOptions(select, values) {
      const keep = select.value;
      select.replaceChildren(h("option", { value: "" }, gettext("customer chooses")), ...values.map((v) => h("option", { value: v }, v)));
      if (values.includes(keep)) select.value = keep;
    }
    function chooseProduct(sku) {
      showTab("order");
      orderForm.elements.sku.value = sku;
      productChanged();
    }
    function productChanged() {
      const product = products.get(orderForm.elements.sku.value.trim());
      fillOptions(orderForm.elements.size, product ? product.sizes : []);
      fillOptions(orderForm.elements.colour, product ? product.colours : []);
    }
    orderForm.elements.sku.addEventListener("input", productChanged);
    orderForm.addEventListener("submit", (event) => {
      event.preventDefault();
      Socket.send({
        type: "push_order_form",
        conversation: conversationId,
        client_msg_id: newId(),
        sku: orderForm.elements.sku.value.trim(),
        size: orderForm.elements.size.value,
        colour: orderForm.elements.colour.value,
        quantity: Number(orderForm.elements.quantity.value || 1),
      });
    });

    updateControls();
  }

  Socket.connect();
})();
