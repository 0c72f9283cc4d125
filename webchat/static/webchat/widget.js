/*
 * Sportello web chat widget — the customer side of docs/protocol.md (version 1).
 *
 * Embedded with one tag, no build step, no dependencies:
 *
 *   <script src="https://web.example/static/webchat/widget.js" data-server="https://web.example"
 *           data-lang="it" data-identity-customer="1" data-identity-signature="…" defer></script>
 *
 * Optional attributes: data-server (default: this script's origin), data-lang ("it" | "en"),
 * data-identity-customer + data-identity-signature (the shop vouches for a logged-in customer),
 * data-open="true" (start with the panel open). An e-mail link's `?sportello_entry=…` is read
 * from the page URL and removed from the address bar.
 *
 * Everything lives in an open Shadow DOM under <div id="sportello-widget">, so the host page's
 * CSS cannot reach in. Server and user strings are only ever set with textContent/attributes.
 *
 * Test hooks: data-testid on launcher, panel, close-button, connection-status, live-interaction,
 * queue-status, notice, message-list, message (data-seq, data-kind, data-sender, data-status,
 * data-client-id), quick-reply, product-card, form (data-status), form-submit, form-status,
 * typing-indicator, composer-input,
 * send-button, csat-form, csat-score (data-score), csat-comment, csat-send, csat-thanks.
 * window.SportelloWidget = {open(), close(), send(text), state()}.
 */
(function () {
  "use strict";

  const script =
    document.currentScript ||
    Array.from(document.querySelectorAll("script[src]")).find((s) =>
      /\/webchat\/widget\.js(\?|$)/.test(s.src),
    );
  if (window.SportelloWidget || !script) return;

  // --- configuration ------------------------------------------------------------------

  const LANGUAGES = ["it", "en"];
  const MAX_TEXT_CHARS = 2000;
  const MAX_COMMENT_CHARS = 1000;
  const BACKOFF_FIRST_MS = 500;
  const BACKOFF_MAX_MS = 15000;
  const RATE_LIMIT_RETRY_MS = 2000;
  const TYPING_IDLE_MS = 3000;
  const TYPING_THROTTLE_MS = 2000;
  const TYPING_SHOWN_MAX_MS = 10000; // hide a peer's indicator if its "stopped" frame got lost
  const FORM_UPDATE_DEBOUNCE_MS = 300;
  const PING_INTERVAL_MS = 25000;
  const SILENCE_LIMIT_MS = 60000; // no frame at all (not even pong) for this long: a dead socket

  const dataset = script.dataset;
  const server = (dataset.server || new URL(script.src, location.href).origin).replace(/\/+$/, "");
  const lang = pickLanguage([
    dataset.lang,
    document.documentElement.getAttribute("lang"),
    navigator.language,
  ]);
  let identity = null;
  if (dataset.identityCustomer && dataset.identitySignature) {
    const raw = dataset.identityCustomer.trim();
    identity = {
      customer_id: /^\d+$/.test(raw) ? Number(raw) : raw,
      signature: dataset.identitySignature.trim(),
    };
  }
  let entry = takeEntryFromUrl();

  const KEY = {
    token: `sportello:${server}:token`,
    outbox: `sportello:${server}:outbox`,
    open: `sportello:${server}:open`,
    csat: (conversation) => `sportello:${server}:csat:${conversation}`,
  };

  function pickLanguage(candidates) {
    for (const candidate of candidates) {
      const code = String(candidate || "").trim().slice(0, 2).toLowerCase();
      if (LANGUAGES.includes(code)) return code;
    }
    return "it";
  }

  function takeEntryFromUrl() {
    let url;
    try {
      url = new URL(location.href);
    } catch (_) {
      return null;
    }
    const value = url.searchParams.get("sportello_entry");
    if (value === null) return null;
    url.searchParams.delete("sportello_entry");
    try {
      // The signed link must not stay in the address bar, history or a shared URL.
      history.replaceState(history.state, "", url.pathname + url.search + url.hash);
    } catch (_) {
      /* sandboxed frames may refuse; the entry still works */
    }
    return value || null;
  }

  // --- texts ------------------------------------------------------------------------------

  const TEXT = {
    it: {
      title: "Assistente Sportello",
      openChat: "Apri la chat con l'assistente",
      closeChat: "Chiudi la chat",
      live: "Live Interaction",
      liveHint: "Parla con un operatore",
      messages: "Messaggi della conversazione",
      inputLabel: "Scrivi il tuo messaggio",
      placeholder: "Scrivi un messaggio…",
      placeholderClosed: "Scrivi per iniziare una nuova conversazione…",
      send: "Invia messaggio",
      you: "Tu",
      bot: "Assistente",
      operator: "Operatore",
      idle: "Assistente virtuale",
      connecting: "Connessione…",
      online: "In linea",
      reconnecting: "Riconnessione…",
      refused: "Chat non disponibile su questa pagina",
      failedConnect: "Impossibile connettersi alla chat",
      queue: "In coda: sei il numero {position}",
      queueUnknown: "In coda: a breve ti risponde un operatore",
      typingBot: "L'assistente sta scrivendo…",
      typingOperator: "{operator} sta scrivendo…",
      typingOperatorAnon: "L'operatore sta scrivendo…",
      pending: "In invio…",
      delivered: "Inviato",
      failed: "Non inviato: {detail}",
      failedUnknown: "Non inviato",
      badEntry: "Il link che hai usato non è più valido: continua pure a scrivere qui.",
      offer: "Offerta",
      preview: "In anteprima: non ancora sul sito",
      newArrival: "Novità",
      price: "Prezzo",
      fullPrice: "Prezzo pieno",
      offerPrice: "Prezzo in offerta",
      sizes: "Taglie",
      colours: "Colori",
      material: "Materiale",
      fibre: "Fibra",
      code: "Codice",
      productDetails: "Dettagli di {name}",
      choose: "Scegli…",
      formSubmit: "Invia",
      formSending: "Invio in corso…",
      formSubmitted: "Modulo inviato: ordine {order}",
      formFailed: "Non inviato: {detail}",
      required: "Campo obbligatorio",
      csatTitle: "Com'è andata? Valuta la conversazione",
      csatScore: "Voto {score} su 5",
      csatComment: "Un commento (facoltativo)",
      csatSend: "Invia valutazione",
      csatThanks: "Grazie per la tua valutazione!",
      csatError: "Non siamo riusciti a inviare la valutazione: {detail}",
      events: {
        handoff: "Ti stiamo mettendo in contatto con un operatore…",
        operator_joined: "{operator} è ora in chat con te",
        operator_joined_anon: "Un operatore si è unito alla conversazione",
        operator_left: "{operator} ha lasciato la conversazione",
        operator_left_anon: "L'operatore ha lasciato la conversazione",
        handed_back: "Ti risponde di nuovo l'assistente virtuale",
        transferred: "Ti passiamo a un collega ({team})",
        transferred_anon: "Ti passiamo a un collega",
        closed: "La conversazione è stata chiusa",
        bot_unavailable:
          "Il nostro assistente non è disponibile in questo momento: ti passiamo a un operatore.",
        live_interaction: "Hai chiesto di parlare con un operatore",
        form_submitted: "Modulo inviato",
        order_created: "Ordine {order} creato",
        order_created_anon: "Ordine creato",
      },
    },
    en: {
      title: "Sportello assistant",
      openChat: "Open the chat with the assistant",
      closeChat: "Close the chat",
      live: "Live Interaction",
      liveHint: "Talk to a person",
      messages: "Conversation messages",
      inputLabel: "Write your message",
      placeholder: "Write a message…",
      placeholderClosed: "Write to start a new conversation…",
      send: "Send message",
      you: "You",
      bot: "Assistant",
      operator: "Operator",
      idle: "Virtual assistant",
      connecting: "Connecting…",
      online: "Online",
      reconnecting: "Reconnecting…",
      refused: "The chat is not available on this page",
      failedConnect: "Could not connect to the chat",
      queue: "In queue: you are number {position}",
      queueUnknown: "In queue: a person will answer shortly",
      typingBot: "The assistant is typing…",
      typingOperator: "{operator} is typing…",
      typingOperatorAnon: "The operator is typing…",
      pending: "Sending…",
      delivered: "Sent",
      failed: "Not sent: {detail}",
      failedUnknown: "Not sent",
      badEntry: "The link you followed is no longer valid: just keep writing here.",
      offer: "Offer",
      preview: "Preview: not on the website yet",
      newArrival: "New in",
      price: "Price",
      fullPrice: "Full price",
      offerPrice: "Offer price",
      sizes: "Sizes",
      colours: "Colours",
      material: "Material",
      fibre: "Fibre",
      code: "Code",
      productDetails: "Details of {name}",
      choose: "Choose…",
      formSubmit: "Send",
      formSending: "Sending…",
      formSubmitted: "Form sent: order {order}",
      formFailed: "Not sent: {detail}",
      required: "Required field",
      csatTitle: "How did it go? Rate the conversation",
      csatScore: "{score} out of 5",
      csatComment: "A comment (optional)",
      csatSend: "Send rating",
      csatThanks: "Thank you for your rating!",
      csatError: "We could not send your rating: {detail}",
      events: {
        handoff: "We are connecting you to a person…",
        operator_joined: "{operator} joined the conversation",
        operator_joined_anon: "An operator joined the conversation",
        operator_left: "{operator} left the conversation",
        operator_left_anon: "The operator left the conversation",
        handed_back: "The virtual assistant is back with you",
        transferred: "We are passing you to a colleague ({team})",
        transferred_anon: "We are passing you to a colleague",
        closed: "The conversation has been closed",
        bot_unavailable:
          "Our assistant is not available right now: we are passing you to a person.",
        live_interaction: "You asked to talk to a person",
        form_submitted: "Form sent",
        order_created: "Order {order} created",
        order_created_anon: "Order created",
      },
    },
  };
  const T = TEXT[lang];

  function fill(template, vars) {
    return template.replace(/\{(\w+)\}/g, (match, name) =>
      vars && vars[name] !== undefined && vars[name] !== null ? String(vars[name]) : match,
    );
  }

  function t(key, vars) {
    return fill(T[key], vars);
  }

  // --- storage (private browsing may refuse it: fall back to memory) -------------------

  const memoryStore = {};
  const store = {
    get(key) {
      try {
        return window.localStorage.getItem(key);
      } catch (_) {
        return key in memoryStore ? memoryStore[key] : null;
      }
    },
    set(key, value) {
      try {
        window.localStorage.setItem(key, value);
      } catch (_) {
        memoryStore[key] = value;
      }
    },
    remove(key) {
      try {
        window.localStorage.removeItem(key);
      } catch (_) {
        delete memoryStore[key];
      }
    },
  };

  function loadOutbox() {
    try {
      const items = JSON.parse(store.get(KEY.outbox) || "[]");
      return Array.isArray(items)
        ? items.filter((item) => item && typeof item.id === "string" && item.type)
        : [];
    } catch (_) {
      return [];
    }
  }

  function saveOutbox() {
    if (S.outbox.length) store.set(KEY.outbox, JSON.stringify(S.outbox));
    else store.remove(KEY.outbox);
  }

  function newClientId() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") {
      return window.crypto.randomUUID();
    }
    const random = Math.random().toString(36).slice(2) + Math.random().toString(36).slice(2);
    return `c-${Date.now().toString(36)}-${random}`.slice(0, 64);
  }

  // --- state --------------------------------------------------------------------------

  const S = {
    token: store.get(KEY.token),
    websocketPath: "/ws/webchat/",
    conversation: null,
    state: null, // bot | queued | human | closed
    position: null,
    socket: null,
    connected: false, // welcome received on the current socket
    ready: false, // resume sent: frames may flow
    started: false,
    stopped: false, // refused for good (4403, or a second 4401)
    retriedUnauthorized: false,
    restarting: false,
    backoffAttempt: 0,
    reconnectTimer: null,
    pingTimer: null,
    lastFrameAt: 0,
    lastSeq: 0, // highest seq rendered from a `message` frame
    historySeq: null, // server's last seq at the first welcome: older messages are not "unread"
    messages: new Map(), // seq -> {el, placeholder}
    pendingEls: new Map(), // client_msg_id -> bubble not yet acknowledged
    outbox: loadOutbox(),
    isOpen: false,
    unread: 0,
    operatorName: "",
    csatShownFor: null,
    csatQueued: null,
    csatSentAt: 0,
    forms: new Map(), // seq -> a rendered form (see buildForm)
  };

  // --- DOM helpers ----------------------------------------------------------------------

  function h(tag, props, ...children) {
    const el = document.createElement(tag);
    for (const [name, value] of Object.entries(props || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (name === "class") el.className = value;
      else if (name === "text") el.textContent = value;
      else if (name === "value") el.value = value;
      else if (name.startsWith("on")) el.addEventListener(name.slice(2), value);
      else el.setAttribute(name, value === true ? "" : String(value));
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      el.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return el;
  }

  const SVG_NS = "http://www.w3.org/2000/svg";
  const ICONS = {
    chat: "M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z",
    close: "M6 6l12 12M18 6L6 18",
    send: "M3 11.5L21 3l-6.5 18-3-7.5z",
    person: "M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8zm-7 8a7 7 0 0 1 14 0",
    clock: "M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18zm0 4v5l3 2",
  };

  function icon(name, filled) {
    const svg = document.createElementNS(SVG_NS, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    svg.setAttribute("class", `icon icon-${name}`);
    const path = document.createElementNS(SVG_NS, "path");
    path.setAttribute("d", ICONS[name]);
    path.setAttribute("fill", filled ? "currentColor" : "none");
    path.setAttribute("stroke", "currentColor");
    path.setAttribute("stroke-width", "2");
    path.setAttribute("stroke-linecap", "round");
    path.setAttribute("stroke-linejoin", "round");
    svg.append(path);
    return svg;
  }

  function pad(number) {
    return String(number).padStart(2, "0");
  }

  function debounce(fn, ms) {
    let timer = null;
    return (...args) => {
      clearTimeout(timer);
      timer = setTimeout(() => fn(...args), ms);
    };
  }

  function timeElement(iso) {
    let date = iso ? new Date(iso) : new Date();
    if (Number.isNaN(date.getTime())) date = new Date();
    return h(
      "time",
      { class: "msg-time", datetime: date.toISOString() },
      `${pad(date.getHours())}:${pad(date.getMinutes())}`,
    );
  }

  const priceFormat = new Intl.NumberFormat(lang === "en" ? "en-IE" : "it-IT", {
    style: "currency",
    currency: "EUR",
  });

  function formatPrice(value) {
    const number = typeof value === "number" ? value : Number.parseFloat(value);
    return Number.isFinite(number) ? priceFormat.format(number) : String(value);
  }

  function hasValue(value) {
    return value !== null && value !== undefined && value !== "";
  }

  function safeImageUrl(value) {
    if (typeof value !== "string" || !value) return "";
    try {
      const url = new URL(value, server + "/");
      if (url.protocol === "http:" || url.protocol === "https:") return url.href;
      if (url.protocol === "data:" && /^data:image\//i.test(value)) return value;
    } catch (_) {
      /* not a URL */
    }
    return "";
  }

  function listText(value) {
    if (Array.isArray(value)) return value.map(String).join(", ");
    return hasValue(value) ? String(value) : "";
  }

  // --- styles ---------------------------------------------------------------------------

  const CSS = `
:host { all: initial !important; display: block !important; position: static !important;
  contain: none !important; transform: none !important; filter: none !important; }
*, *::before, *::after { box-sizing: border-box; }
[hidden] { display: none !important; }
.root { all: initial; display: block; font-family: system-ui, -apple-system, "Segoe UI", Roboto,
  "Helvetica Neue", Arial, sans-serif; font-size: 14px; line-height: 1.4; color: #1f2328;
  -webkit-font-smoothing: antialiased; }
.root * { font-family: inherit; }
button, input, select, textarea { font: inherit; color: inherit; margin: 0; }
button { cursor: pointer; }
button:disabled { cursor: default; }
:focus { outline: none; }
:focus-visible { outline: 3px solid #f0b429; outline-offset: 2px; }
.icon { width: 20px; height: 20px; flex: none; display: block; }
.sr-only { position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px;
  overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }

.launcher { position: fixed; right: 20px; bottom: 20px; z-index: 2147483646; width: 60px;
  height: 60px; border-radius: 50%; border: 0; background: #1d5c4b; color: #fff;
  box-shadow: 0 6px 20px rgba(0,0,0,.25); display: flex; align-items: center;
  justify-content: center; padding: 0; }
.launcher:hover { background: #174a3c; }
.launcher .icon { width: 28px; height: 28px; }
.launcher .icon-close, .root.is-open .launcher .icon-chat { display: none; }
.root.is-open .launcher .icon-close { display: block; }
.badge { position: absolute; top: -2px; right: -2px; min-width: 20px; height: 20px;
  border-radius: 10px; background: #c62828; color: #fff; font-size: 12px; font-weight: 700;
  line-height: 20px; text-align: center; padding: 0 5px; }

.panel { position: fixed; right: 20px; bottom: 92px; z-index: 2147483647; width: 380px;
  height: min(620px, calc(100vh - 112px)); display: flex; flex-direction: column;
  background: #fff; border-radius: 14px; overflow: hidden;
  box-shadow: 0 12px 40px rgba(0,0,0,.28); animation: sp-in .16s ease-out; }
@keyframes sp-in { from { opacity: 0; transform: translateY(8px); } to { opacity: 1; transform: none; } }
@media (prefers-reduced-motion: reduce) { .panel { animation: none; } }

.header { background: #1d5c4b; color: #fff; padding: 12px 12px 10px 16px; flex: none; }
.header-row { display: flex; align-items: flex-start; gap: 8px; }
.header-text { flex: 1; min-width: 0; }
.title { margin: 0; font-size: 16px; font-weight: 700; color: #fff; }
.status { display: flex; align-items: center; gap: 6px; font-size: 12px; color: #d7ece6;
  margin-top: 2px; }
.dot { width: 8px; height: 8px; border-radius: 50%; background: #9aa5a1; flex: none; }
.status[data-status="online"] .dot { background: #4cd68a; }
.status[data-status="connecting"] .dot, .status[data-status="reconnecting"] .dot { background: #f0b429; }
.status[data-status="refused"] .dot, .status[data-status="failedConnect"] .dot { background: #ff6b6b; }
.icon-button { border: 0; background: transparent; color: #fff; width: 36px; height: 36px;
  border-radius: 8px; display: flex; align-items: center; justify-content: center; padding: 0; }
.icon-button:hover { background: rgba(255,255,255,.15); }
.live { margin-top: 10px; display: inline-flex; align-items: center; gap: 6px;
  border: 1px solid rgba(255,255,255,.7); background: rgba(255,255,255,.12); color: #fff;
  border-radius: 999px; padding: 5px 12px 5px 9px; font-size: 13px; font-weight: 600; }
.live:hover:not(:disabled) { background: rgba(255,255,255,.25); }
.live:disabled { opacity: .55; }
.live .icon { width: 16px; height: 16px; }

.queue { flex: none; background: #fff4d6; color: #5c4300; border-bottom: 1px solid #f1dfa8;
  padding: 8px 16px; font-size: 13px; font-weight: 600; }
.notice { flex: none; background: #fdecea; color: #8a1c14; border-bottom: 1px solid #f5c6c0;
  padding: 8px 16px; font-size: 13px; }

.scroller { flex: 1; min-height: 0; overflow-y: auto; background: #f5f6f7; padding: 12px; }
.log { display: flex; flex-direction: column; gap: 10px; }

.msg { display: flex; flex-direction: column; max-width: 85%; align-self: flex-start; }
.msg.from-customer { align-self: flex-end; align-items: flex-end; }
.msg.wide { max-width: 100%; width: 100%; }
.meta { font-size: 11px; color: #5f6b68; margin: 0 4px 2px; display: flex; gap: 6px; }
.who { font-weight: 600; }
.bubble { background: #fff; border: 1px solid #e1e4e6; border-radius: 14px 14px 14px 4px;
  padding: 8px 12px; white-space: pre-wrap; overflow-wrap: anywhere; word-break: break-word; }
.from-customer .bubble { background: #1d5c4b; border-color: #1d5c4b; color: #fff;
  border-radius: 14px 14px 4px 14px; }
.from-operator .bubble { background: #eaf1fb; border-color: #cfdcf0; }
.msg[data-status="pending"] .bubble { opacity: .6; }
.msg[data-status="failed"] .bubble { background: #fdecea; border-color: #e5a59e; color: #8a1c14; }
.delivery { font-size: 11px; color: #5f6b68; margin: 2px 4px 0; display: flex; gap: 4px;
  align-items: center; }
.delivery .icon { width: 12px; height: 12px; }
.msg[data-status="failed"] .delivery { color: #b3261e; }

.msg.event { align-self: center; max-width: 92%; align-items: center; }
.event-line { margin: 0; text-align: center; font-size: 12px; color: #4a5553;
  background: #e9ecec; border-radius: 999px; padding: 4px 12px; }
.event .msg-time { font-size: 10px; color: #7a8683; margin-top: 2px; }

.replies { display: flex; flex-wrap: wrap; gap: 6px; margin-top: 8px; }
.reply { border: 1px solid #1d5c4b; background: #fff; color: #1d5c4b; border-radius: 999px;
  padding: 5px 12px; font-size: 13px; font-weight: 600; }
.reply:hover:not(:disabled) { background: #e7f2ef; }
.reply:disabled { opacity: .5; }
.reply.chosen { background: #1d5c4b; color: #fff; opacity: 1; }

.inline-image { display: block; max-width: 100%; border-radius: 8px; margin-top: 6px; }
.intro { margin: 0 0 8px; white-space: pre-wrap; }
.catalog { list-style: none; margin: 0; padding: 0; display: grid;
  grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); gap: 8px; }
.card { background: #fff; border: 1px solid #e1e4e6; border-radius: 12px; overflow: hidden;
  display: flex; flex-direction: column; }
.card.expanded { grid-column: 1 / -1; }
.card-open { border: 0; background: transparent; padding: 0; text-align: left; display: flex;
  flex-direction: column; width: 100%; }
.card.expanded .card-open { flex-direction: row; gap: 10px; }
.card-image { display: block; width: 100%; aspect-ratio: 1 / 1; object-fit: cover;
  background: #f4f1ec; }
.card.expanded .card-image { width: 40%; }
.card-body { display: flex; flex-direction: column; gap: 2px; padding: 8px 10px 10px; min-width: 0; }
.card-name { font-weight: 700; font-size: 13px; }
.card-material, .card-sizes { font-size: 12px; color: #5f6b68; }
.card-price { display: flex; flex-wrap: wrap; align-items: baseline; gap: 6px; margin-top: 4px; }
.price-now { font-weight: 700; color: #1d5c4b; }
.price-was { text-decoration: line-through; color: #7a8683; font-size: 12px; }
.offer-badge { align-self: flex-start; background: #c62828; color: #fff; font-size: 11px;
  font-weight: 700; border-radius: 4px; padding: 1px 6px; text-transform: uppercase; }
.new-badge { align-self: flex-start; background: #fff4d6; color: #5c4300; font-size: 11px;
  font-weight: 700; border-radius: 4px; padding: 1px 6px; }
.card-details { margin: 0; padding: 0 10px 10px; font-size: 12px; display: grid;
  grid-template-columns: auto 1fr; gap: 2px 8px; }
.card-details dt { color: #5f6b68; }
.card-details dd { margin: 0; }

.form { display: flex; flex-direction: column; gap: 10px; margin-top: 6px; }
.form-status { margin: 0; font-size: 13px; font-weight: 600; color: #1d5c4b; }
.form[data-status="submitted"] .field input, .form[data-status="submitted"] .field select { background: #f1f2f3; }
.field { display: flex; flex-direction: column; gap: 3px; }
.field label { font-size: 12px; font-weight: 600; }
.req { color: #b3261e; }
.field input, .field select, .field textarea { border: 1px solid #b9c1bf; border-radius: 8px;
  padding: 7px 9px; background: #fff; width: 100%; }
.field textarea { min-height: 64px; resize: vertical; }
.field [aria-invalid="true"] { border-color: #b3261e; }
.field-error { margin: 0; font-size: 12px; color: #b3261e; }
.primary { align-self: flex-start; border: 0; background: #1d5c4b; color: #fff;
  border-radius: 8px; padding: 8px 14px; font-weight: 600; }
.primary:hover:not(:disabled) { background: #174a3c; }
.primary:disabled { opacity: .5; }

.typing { font-size: 12px; color: #5f6b68; font-style: italic; padding: 6px 4px 0; }
.csat { margin-top: 12px; background: #fff; border: 1px solid #e1e4e6; border-radius: 12px;
  padding: 12px; display: flex; flex-direction: column; gap: 8px; }
.csat-title { margin: 0; font-weight: 700; }
.stars { display: flex; gap: 4px; }
.star { border: 1px solid #c9cfcd; background: #fff; color: #9aa5a1; width: 40px; height: 40px;
  border-radius: 8px; font-size: 20px; line-height: 1; padding: 0; }
.star.on { color: #e6a100; border-color: #e6a100; background: #fff8e6; }
.csat textarea { border: 1px solid #b9c1bf; border-radius: 8px; padding: 7px 9px;
  min-height: 56px; resize: vertical; width: 100%; }
.csat-thanks { margin: 0; font-weight: 600; color: #1d5c4b; }
.csat-error { margin: 0; font-size: 12px; color: #b3261e; }

.composer { flex: none; display: flex; align-items: flex-end; gap: 8px; padding: 10px 12px;
  border-top: 1px solid #e1e4e6; background: #fff; }
.input { flex: 1; border: 1px solid #b9c1bf; border-radius: 10px; padding: 9px 11px;
  resize: none; max-height: 120px; min-height: 40px; line-height: 20px; background: #fff; }
.send { flex: none; width: 40px; height: 40px; border-radius: 10px; border: 0;
  background: #1d5c4b; color: #fff; display: flex; align-items: center; justify-content: center;
  padding: 0; }
.send:hover { background: #174a3c; }

@media (max-width: 479.98px) {
  .panel { inset: 0; width: auto; height: auto; border-radius: 0; }
  .root.is-open .launcher { display: none; }
  .msg { max-width: 90%; }
}
`;

  // --- the UI ---------------------------------------------------------------------------

  const host = h("div", { id: "sportello-widget" });
  const shadow = host.attachShadow({ mode: "open" });

  const statusText = h("span", { class: "status-text" }, T.idle);
  const statusLine = h(
    "div",
    { class: "status", role: "status", "data-testid": "connection-status", "data-status": "idle" },
    h("span", { class: "dot", "aria-hidden": "true" }),
    statusText,
  );
  const liveButton = h(
    "button",
    {
      type: "button",
      class: "live",
      title: T.liveHint,
      "aria-label": `${T.live} — ${T.liveHint}`,
      "data-testid": "live-interaction",
      onclick: () => requestLiveInteraction(),
    },
    icon("person"),
    T.live,
  );
  const closeButton = h(
    "button",
    {
      type: "button",
      class: "icon-button",
      title: T.closeChat,
      "aria-label": T.closeChat,
      "data-testid": "close-button",
      onclick: () => closePanel(true),
    },
    icon("close"),
  );
  const queueStatus = h("div", {
    class: "queue",
    role: "status",
    "data-testid": "queue-status",
    hidden: true,
  });
  const notice = h("div", { class: "notice", role: "alert", "data-testid": "notice", hidden: true });
  const log = h("div", {
    class: "log",
    role: "log",
    "aria-live": "polite",
    "aria-label": T.messages,
    "data-testid": "message-list",
  });
  const typingIndicator = h("div", {
    class: "typing",
    "aria-live": "polite",
    "data-testid": "typing-indicator",
    hidden: true,
  });
  const csatArea = h("div", { class: "csat-area" });
  const scroller = h("div", { class: "scroller" }, log, typingIndicator, csatArea);
  const input = h("textarea", {
    class: "input",
    rows: 1,
    maxlength: MAX_TEXT_CHARS,
    placeholder: T.placeholder,
    "aria-label": T.inputLabel,
    "data-testid": "composer-input",
  });
  const sendButton = h(
    "button",
    { type: "submit", class: "send", title: T.send, "aria-label": T.send, "data-testid": "send-button" },
    icon("send", true),
  );
  const composer = h(
    "form",
    { class: "composer", onsubmit: (event) => (event.preventDefault(), submitComposer()) },
    input,
    sendButton,
  );
  const panel = h(
    "section",
    {
      class: "panel",
      id: "sportello-panel",
      role: "dialog",
      "aria-label": T.title,
      "data-testid": "panel",
      hidden: true,
    },
    h(
      "div",
      { class: "header" },
      h(
        "div",
        { class: "header-row" },
        h("div", { class: "header-text" }, h("h2", { class: "title" }, T.title), statusLine),
        closeButton,
      ),
      liveButton,
    ),
    queueStatus,
    notice,
    scroller,
    composer,
  );
  const badge = h("span", { class: "badge", "aria-hidden": "true", hidden: true });
  const launcher = h(
    "button",
    {
      type: "button",
      class: "launcher",
      "aria-label": T.openChat,
      "aria-expanded": "false",
      "aria-controls": "sportello-panel",
      "data-testid": "launcher",
      onclick: () => (S.isOpen ? closePanel(true) : openPanel(true)),
    },
    icon("chat", true),
    icon("close"),
    badge,
  );
  const root = h("div", { class: "root", lang }, panel, launcher);
  shadow.append(h("style", {}, CSS), root);

  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing && event.keyCode !== 229) {
      event.preventDefault();
      submitComposer();
    }
  });
  input.addEventListener("input", () => {
    autoGrow();
    noteTyping();
  });
  root.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && S.isOpen) {
      event.preventDefault();
      closePanel(true);
    }
  });

  function autoGrow() {
    input.style.height = "auto";
    input.style.height = `${Math.min(input.scrollHeight + 2, 120)}px`;
  }

  function openPanel(byUser) {
    S.isOpen = true;
    panel.hidden = false;
    root.classList.add("is-open");
    launcher.setAttribute("aria-expanded", "true");
    launcher.setAttribute("aria-label", T.closeChat);
    store.set(KEY.open, "1");
    S.unread = 0;
    updateBadge();
    scrollToEnd(true);
    if (byUser) input.focus();
    start();
  }

  function closePanel(byUser) {
    S.isOpen = false;
    panel.hidden = true;
    root.classList.remove("is-open");
    launcher.setAttribute("aria-expanded", "false");
    launcher.setAttribute("aria-label", T.openChat);
    store.set(KEY.open, "0");
    if (byUser) launcher.focus();
  }

  function updateBadge() {
    badge.hidden = S.unread === 0 || S.isOpen;
    badge.textContent = S.unread > 9 ? "9+" : String(S.unread);
  }

  function setStatus(kind) {
    statusLine.dataset.status = kind;
    statusText.textContent = T[kind] || T.idle;
  }

  function showNotice(text) {
    notice.textContent = text || "";
    notice.hidden = !text;
  }

  function nearBottom() {
    return scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 80;
  }

  function scrollToEnd(force) {
    if (force || nearBottom()) {
      requestAnimationFrame(() => {
        scroller.scrollTop = scroller.scrollHeight;
      });
    }
  }

  // --- rendering messages -------------------------------------------------------------

  function senderLabel(sender, author) {
    if (sender === "customer") return T.you;
    if (sender === "operator") return author || T.operator;
    if (sender === "bot") return T.bot;
    return "";
  }

  function messageShell({ seq, kind, sender, author, createdAt, wide }) {
    const el = h("div", {
      class: `msg from-${sender}${wide ? " wide" : ""}`,
      "data-testid": "message",
      "data-seq": seq === null ? "" : seq,
      "data-kind": kind,
      "data-sender": sender,
    });
    el.append(
      h(
        "div",
        { class: "meta" },
        h("span", { class: "who" }, senderLabel(sender, author)),
        timeElement(createdAt),
      ),
    );
    return el;
  }

  function buildMessage(frame) {
    const kind = String(frame.kind || "text");
    const sender = String(frame.sender || "bot");
    const payload = frame.payload && typeof frame.payload === "object" ? frame.payload : {};
    const text = typeof frame.text === "string" ? frame.text : "";
    if (kind === "event" || (sender === "system" && kind === "text")) {
      return buildEvent(frame, payload, text);
    }
    const el = messageShell({
      seq: frame.seq,
      kind,
      sender,
      author: typeof frame.author === "string" ? frame.author : "",
      createdAt: frame.created_at,
      wide: kind === "catalog" || kind === "form",
    });
    const bubble = h("div", { class: "bubble" });
    el.append(bubble);
    if (kind === "buttons") buildButtons(bubble, text, payload);
    else if (kind === "catalog") buildCatalog(bubble, text, payload);
    else if (kind === "form") buildForm(bubble, text, payload, frame.seq);
    else {
      bubble.textContent = text;
      const image = safeImageUrl(payload.image);
      if (image) bubble.append(h("img", { class: "inline-image", src: image, alt: "", loading: "lazy" }));
    }
    if (sender === "customer") el.append(deliveryLine("delivered"));
    return el;
  }

  function eventText(payload, text) {
    const events = T.events;
    const event = String(payload.event || "");
    const operator = hasValue(payload.operator) ? String(payload.operator) : "";
    const order = payload.order_number || payload.number || payload.order;
    switch (event) {
      case "operator_joined":
        return operator ? fill(events.operator_joined, { operator }) : events.operator_joined_anon;
      case "operator_left":
        return operator ? fill(events.operator_left, { operator }) : events.operator_left_anon;
      case "order_created":
        // The server words the confirmation (with the delivery date) in our language.
        if (hasValue(payload.text)) return String(payload.text);
        return hasValue(order) ? fill(events.order_created, { order }) : events.order_created_anon;
      case "transferred":
        return hasValue(payload.team) ? fill(events.transferred, { team: payload.team }) : events.transferred_anon;
      default:
        return events[event] || text || event;
    }
  }

  function buildEvent(frame, payload, text) {
    const event = String(payload.event || "");
    if (event === "operator_joined" && hasValue(payload.operator)) {
      S.operatorName = String(payload.operator);
    }
    const el = h("div", {
      class: "msg event",
      "data-testid": "message",
      "data-seq": frame.seq,
      "data-kind": String(frame.kind || "event"),
      "data-sender": String(frame.sender || "system"),
      "data-event": event,
    });
    el.append(h("p", { class: "event-line" }, eventText(payload, text)), timeElement(frame.created_at));
    return el;
  }

  function buildButtons(bubble, text, payload) {
    if (text) bubble.append(h("div", {}, text));
    const buttons = Array.isArray(payload.buttons) ? payload.buttons : [];
    const group = h("div", { class: "replies" });
    for (const button of buttons) {
      if (!button || !hasValue(button.title)) continue;
      const title = String(button.title);
      const value = hasValue(button.payload) ? String(button.payload) : title;
      group.append(
        h(
          "button",
          {
            type: "button",
            class: "reply",
            "data-testid": "quick-reply",
            "data-payload": value,
            onclick: (event) => {
              const clicked = event.currentTarget;
              for (const other of group.querySelectorAll("button")) other.disabled = true;
              clicked.classList.add("chosen");
              sendPostback(title, value);
            },
          },
          title,
        ),
      );
    }
    if (group.childElementCount) bubble.append(group);
  }

  function disableEarlierReplies(beforeSeq) {
    for (const el of log.querySelectorAll('.msg[data-kind="buttons"]')) {
      const seq = Number(el.dataset.seq);
      if (beforeSeq === null || seq < beforeSeq) {
        for (const button of el.querySelectorAll("button.reply")) button.disabled = true;
      }
    }
  }

  function buildCatalog(bubble, text, payload) {
    if (text) bubble.append(h("p", { class: "intro" }, text));
    const products = Array.isArray(payload.products) ? payload.products : [];
    const grid = h("ul", { class: "catalog", role: "list" });
    for (const product of products) {
      if (product && typeof product === "object") grid.append(productCard(product));
    }
    bubble.append(grid);
  }

  let uniqueCounter = 0;
  function uniqueId(prefix) {
    uniqueCounter += 1;
    return `sp-${prefix}-${uniqueCounter}`;
  }

  function productCard(product) {
    const sku = hasValue(product.sku) ? String(product.sku) : "";
    const name = hasValue(product.name) ? String(product.name) : sku;
    const onOffer = hasValue(product.offer_price);
    const detailsId = uniqueId("product");
    const imageUrl = safeImageUrl(product.image);
    const price = h("span", { class: "card-price" });
    if (onOffer) {
      price.append(
        h("span", { class: "price-now", "aria-label": `${T.offerPrice}: ${formatPrice(product.offer_price)}` },
          formatPrice(product.offer_price)),
        h("span", { class: "price-was", "aria-label": `${T.fullPrice}: ${formatPrice(product.price)}` },
          formatPrice(product.price)),
      );
    } else if (hasValue(product.price)) {
      price.append(h("span", { class: "price-now" }, formatPrice(product.price)));
    }
    const sizes = listText(product.sizes);
    const body = h(
      "span",
      { class: "card-body" },
      onOffer
        ? h("span", { class: "offer-badge" }, hasValue(product.offer_label) ? String(product.offer_label) : T.offer)
        : null,
      // An operator may show what is not on the website yet (new arrivals coming soon).
      product.published === false
        ? h("span", { class: "new-badge", "data-testid": "preview-badge" }, T.preview)
        : product.new === true
          ? h("span", { class: "new-badge", "data-testid": "new-badge" }, T.newArrival)
          : null,
      h("span", { class: "card-name" }, name),
      hasValue(product.material) ? h("span", { class: "card-material" }, String(product.material)) : null,
      price,
      sizes ? h("span", { class: "card-sizes" }, `${T.sizes}: ${sizes}`) : null,
    );
    const image = imageUrl
      ? h("img", { class: "card-image", src: imageUrl, alt: name, loading: "lazy", decoding: "async" })
      : h("span", { class: "card-image", role: "img", "aria-label": name });
    const details = h("dl", { class: "card-details", id: detailsId, hidden: true });
    const addDetail = (label, value) => {
      if (value) details.append(h("dt", {}, label), h("dd", {}, value));
    };
    addDetail(T.code, sku);
    addDetail(T.material, hasValue(product.material) ? String(product.material) : "");
    addDetail(T.fibre, hasValue(product.fibre_type) ? String(product.fibre_type) : "");
    addDetail(T.colours, listText(product.colours));
    addDetail(T.sizes, sizes);
    if (onOffer) {
      addDetail(T.fullPrice, formatPrice(product.price));
      addDetail(T.offerPrice, formatPrice(product.offer_price));
    }
    const card = h("li", { class: "card", "data-testid": "product-card", "data-sku": sku });
    const opener = h(
      "button",
      {
        type: "button",
        class: "card-open",
        "aria-expanded": "false",
        "aria-controls": detailsId,
        title: fill(T.productDetails, { name }),
        onclick: () => {
          const expand = opener.getAttribute("aria-expanded") !== "true";
          opener.setAttribute("aria-expanded", String(expand));
          card.classList.toggle("expanded", expand);
          details.hidden = !expand;
          if (expand) onProductOpened(sku);
        },
      },
      image,
      body,
    );
    card.append(opener, details);
    return card;
  }

  function buildForm(bubble, text, payload, seq) {
    if (text) bubble.append(h("p", { class: "intro" }, text));
    const schema = payload.schema && typeof payload.schema === "object" ? payload.schema : {};
    const fields = Array.isArray(schema.fields) ? schema.fields : [];
    const values = payload.values && typeof payload.values === "object" ? payload.values : {};
    const errors = payload.errors && typeof payload.errors === "object" ? payload.errors : {};
    const form = h("form", { class: "form", "data-testid": "form", novalidate: true });
    const controls = [];
    for (const field of fields) {
      if (!field || !hasValue(field.name)) continue;
      const name = String(field.name);
      const id = uniqueId("field");
      const errorId = `${id}-error`;
      const type = ["text", "select", "number", "textarea"].includes(field.type) ? field.type : "text";
      const common = {
        id,
        name,
        required: Boolean(field.required),
        "aria-required": field.required ? "true" : null,
        "aria-describedby": errorId,
      };
      let control;
      if (type === "select") {
        control = h("select", common, h("option", { value: "" }, T.choose));
        for (const option of Array.isArray(field.options) ? field.options : []) {
          if (!option || !hasValue(option.value)) continue;
          control.append(
            h("option", { value: String(option.value) }, hasValue(option.label) ? String(option.label) : String(option.value)),
          );
        }
      } else if (type === "textarea") {
        control = h("textarea", { ...common, maxlength: MAX_TEXT_CHARS });
      } else {
        control = h("input", { ...common, type, inputmode: type === "number" ? "decimal" : null });
      }
      if (hasValue(values[name])) control.value = String(values[name]);
      const error = h("p", { class: "field-error", id: errorId, hidden: true });
      const wrapper = h(
        "div",
        { class: "field" },
        h("label", { for: id }, hasValue(field.label) ? String(field.label) : name,
          field.required ? h("span", { class: "req", "aria-hidden": "true" }, " *") : null),
        control,
        error,
      );
      const setError = (messages) => {
        const list = (Array.isArray(messages) ? messages : [messages]).filter(hasValue).map(String);
        error.textContent = list.join(" ");
        error.hidden = list.length === 0;
        control.setAttribute("aria-invalid", list.length ? "true" : "false");
      };
      setError(errors[name] || []);
      controls.push({ name, type, required: Boolean(field.required), control, setError });
      // Every change reaches the operator live (debounced), who sees the form fill in.
      const sendUpdate = debounce(() => onFormFieldChanged(seq, name, control.value), FORM_UPDATE_DEBOUNCE_MS);
      control.addEventListener(type === "select" ? "change" : "input", sendUpdate);
      form.append(wrapper);
    }
    const submitButton = h("button", { type: "submit", class: "primary", "data-testid": "form-submit" },
      hasValue(schema.submit_label) ? String(schema.submit_label) : T.formSubmit);
    const statusLine = h("p", { class: "form-status", role: "status", "data-testid": "form-status", hidden: true });
    form.append(statusLine, submitButton);
    const entry = {
      seq,
      form,
      controls,
      submitButton,
      statusLine,
      status: "open",
      version: 0,
      pendingId: null,
    };
    S.forms.set(seq, entry);
    applyFormState({
      seq,
      values,
      errors,
      status: payload.status,
      version: payload.version || 1,
      order_number: payload.order_number,
    });
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      if (entry.status !== "open" || entry.pendingId) return;
      const collected = {};
      let firstInvalid = null;
      for (const item of controls) {
        const value = item.control.value.trim();
        collected[item.name] = item.type === "number" && value !== "" ? Number(value) : value;
        const missing = item.required && value === "";
        item.setError(missing ? [T.required] : []);
        if (missing && !firstInvalid) firstInvalid = item.control;
      }
      if (firstInvalid) {
        firstInvalid.focus();
        return;
      }
      onFormSubmit(seq, collected);
    });
    bubble.append(form);
  }

  // A `form_state` frame (or the form message itself): values the customer is not editing
  // right now, errors, and the form's status. Older versions are ignored.
  function applyFormState(state) {
    const entry = S.forms.get(state.seq);
    if (!entry || !Number.isInteger(state.version) || state.version < entry.version) return;
    entry.version = state.version;
    entry.status = state.status === "submitted" ? "submitted" : "open";
    const values = state.values && typeof state.values === "object" ? state.values : {};
    const errors = state.errors && typeof state.errors === "object" ? state.errors : {};
    let firstInvalid = null;
    for (const item of entry.controls) {
      const value = hasValue(values[item.name]) ? String(values[item.name]) : "";
      if (item.control !== shadow.activeElement && item.control.value !== value) item.control.value = value;
      const messages = errors[item.name] || [];
      item.setError(messages);
      if (messages.length && !firstInvalid) firstInvalid = item.control;
      item.control.disabled = entry.status !== "open";
    }
    entry.form.dataset.status = entry.status;
    if (state.client_msg_id && state.client_msg_id === entry.pendingId) {
      entry.pendingId = null;
      if (firstInvalid) firstInvalid.focus();
    }
    if (entry.status === "submitted") {
      entry.submitButton.hidden = true;
      entry.statusLine.textContent = hasValue(state.order_number)
        ? t("formSubmitted", { order: state.order_number })
        : T.events.form_submitted;
      entry.statusLine.hidden = false;
    } else {
      entry.submitButton.disabled = Boolean(entry.pendingId);
      entry.statusLine.textContent = entry.pendingId ? T.formSending : "";
      entry.statusLine.hidden = !entry.pendingId;
    }
  }

  function formFailed(entry, detail) {
    entry.pendingId = null;
    entry.submitButton.disabled = false;
    entry.statusLine.textContent = t("formFailed", { detail });
    entry.statusLine.hidden = false;
  }

  function deliveryLine(status, detail) {
    const line = h("div", { class: "delivery" });
    if (status === "pending") line.append(icon("clock"), T.pending);
    else if (status === "failed") line.append(detail ? t("failed", { detail }) : T.failedUnknown);
    else line.append(h("span", { "aria-hidden": "true" }, "✓"), T.delivered);
    return line;
  }

  function setDelivery(el, status, detail) {
    el.dataset.status = status;
    const old = el.querySelector(".delivery");
    const line = deliveryLine(status, detail);
    if (old) old.replaceWith(line);
    else el.append(line);
  }

  function pendingBubble(item) {
    const el = messageShell({
      seq: null,
      kind: "text",
      sender: "customer",
      author: "",
      createdAt: new Date(item.at || Date.now()).toISOString(),
    });
    el.dataset.clientId = item.id;
    el.append(h("div", { class: "bubble" }, item.type === "postback" ? item.title : item.text));
    setDelivery(el, "pending");
    return el;
  }

  // Messages with a seq stay sorted; bubbles still waiting for their ack follow them.
  function insertBySeq(el, seq) {
    for (const child of log.children) {
      const childSeq = child.dataset.seq;
      if (childSeq === "" || Number(childSeq) > seq) {
        log.insertBefore(el, child);
        return;
      }
    }
    log.append(el);
  }

  function renderMessage(frame) {
    const seq = frame.seq;
    if (!Number.isInteger(seq) || seq < 1) return;
    const known = S.messages.get(seq);
    if (known && !known.placeholder) return; // already rendered: replay or double delivery
    const el = buildMessage(frame);
    if (known) known.el.replaceWith(el); // our acknowledged bubble becomes the stored message
    else insertBySeq(el, seq);
    S.messages.set(seq, { el, placeholder: false });
    S.lastSeq = Math.max(S.lastSeq, seq);
    if (typeof frame.client_msg_id === "string" && S.pendingEls.has(frame.client_msg_id)) {
      S.pendingEls.get(frame.client_msg_id).remove();
      S.pendingEls.delete(frame.client_msg_id);
      dropFromOutbox(frame.client_msg_id);
    }
    const sender = frame.sender;
    if (sender === "customer") disableEarlierReplies(seq);
    if (sender === "bot" || sender === "operator") hideTyping();
    if (!S.isOpen && sender !== "customer" && S.historySeq !== null && seq > S.historySeq) {
      S.unread += 1;
      updateBadge();
    }
    scrollToEnd(sender === "customer");
  }

  function resetConversation() {
    // A new conversation numbers its messages from 1 again: forget the old ones,
    // keep only what the customer has not yet got delivered.
    for (const el of Array.from(log.children)) {
      if (el.dataset.seq !== "") el.remove();
    }
    S.messages.clear();
    S.forms.clear();
    S.lastSeq = 0;
    S.historySeq = null;
    S.state = null;
    S.position = null;
    S.operatorName = "";
    S.csatShownFor = null;
    S.csatQueued = null;
    csatArea.replaceChildren();
    queueStatus.hidden = true;
    hideTyping();
    updateComposerForState();
  }

  // --- conversation state ----------------------------------------------------------------

  function applyState(state, position) {
    if (typeof state !== "string") return;
    S.state = state;
    S.position = Number.isInteger(position) ? position : null;
    if (state === "queued") {
      queueStatus.textContent =
        S.position !== null ? t("queue", { position: S.position }) : T.queueUnknown;
      queueStatus.hidden = false;
    } else {
      queueStatus.hidden = true;
    }
    if (state === "queued" || state === "human") {
      // The request for a person is fulfilled: no need to resend it later.
      for (const item of S.outbox.filter((i) => i.type === "live_interaction")) {
        dropFromOutbox(item.id);
      }
    }
    liveButton.disabled = state === "queued" || state === "human";
    if (state === "closed") showCsat();
    else if (S.csatShownFor !== null && S.csatShownFor !== S.conversation) csatArea.replaceChildren();
    updateComposerForState();
  }

  function updateComposerForState() {
    input.placeholder = S.state === "closed" ? T.placeholderClosed : T.placeholder;
  }

  function showCsat() {
    const conversation = S.conversation;
    if (S.csatShownFor === conversation) return;
    S.csatShownFor = conversation;
    if (store.get(KEY.csat(conversation))) return; // already rated (e.g. before a reload)
    let score = 0;
    const titleId = uniqueId("csat");
    const error = h("p", { class: "csat-error", role: "alert", hidden: true });
    const submit = h("button", { type: "submit", class: "primary", "data-testid": "csat-send", disabled: true }, T.csatSend);
    const stars = [];
    for (let value = 1; value <= 5; value += 1) {
      stars.push(
        h(
          "button",
          {
            type: "button",
            class: "star",
            "aria-label": t("csatScore", { score: value }),
            "aria-pressed": "false",
            "data-testid": "csat-score",
            "data-score": value,
            onclick: () => {
              score = value;
              for (const star of stars) {
                const starValue = Number(star.dataset.score);
                star.classList.toggle("on", starValue <= score);
                star.setAttribute("aria-pressed", String(starValue === score));
              }
              submit.disabled = false;
            },
          },
          "★",
        ),
      );
    }
    const comment = h("textarea", {
      maxlength: MAX_COMMENT_CHARS,
      rows: 2,
      placeholder: T.csatComment,
      "aria-label": T.csatComment,
      "data-testid": "csat-comment",
    });
    const form = h(
      "form",
      { class: "csat", "data-testid": "csat-form", "aria-labelledby": titleId },
      h("p", { class: "csat-title", id: titleId }, T.csatTitle),
      h("div", { class: "stars", role: "group", "aria-labelledby": titleId }, stars),
      comment,
      error,
      submit,
    );
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      if (score < 1) return;
      const frame = { type: "csat", score, comment: comment.value.trim().slice(0, MAX_COMMENT_CHARS) };
      S.csatError = (detail) => {
        error.textContent = t("csatError", { detail });
        error.hidden = false;
      };
      if (S.ready) {
        S.csatSentAt = Date.now();
        sendFrame(frame);
      } else {
        S.csatQueued = frame;
        start();
      }
      store.set(KEY.csat(conversation), String(score));
      form.replaceChildren(h("p", { class: "csat-thanks", role: "status", "data-testid": "csat-thanks" }, T.csatThanks), error);
    });
    csatArea.replaceChildren(form);
    scrollToEnd(true);
  }

  // --- typing -----------------------------------------------------------------------------

  let typingHideTimer = null;
  function showTyping(sender, active) {
    if (!active) return hideTyping();
    let text = T.typingBot;
    if (sender === "operator") {
      text = S.operatorName ? t("typingOperator", { operator: S.operatorName }) : T.typingOperatorAnon;
    }
    typingIndicator.textContent = text;
    typingIndicator.dataset.sender = sender;
    typingIndicator.hidden = false;
    clearTimeout(typingHideTimer);
    typingHideTimer = setTimeout(hideTyping, TYPING_SHOWN_MAX_MS);
    scrollToEnd(false);
  }

  function hideTyping() {
    clearTimeout(typingHideTimer);
    typingIndicator.hidden = true;
    typingIndicator.textContent = "";
  }

  // Our own typing: "active" when the customer starts, again at most every 2 s while they go
  // on, "stopped" after 3 s without a keystroke or when they send. Never more than one
  // typing frame per 2 s (the server's rate limit counts every frame).
  const typing = { active: false, lastAt: 0, wanted: null, throttle: null, idle: null };

  function noteTyping() {
    clearTimeout(typing.idle);
    if (!input.value.trim()) {
      wantTyping(false);
      return;
    }
    if (!typing.active || Date.now() - typing.lastAt >= TYPING_THROTTLE_MS) wantTyping(true);
    typing.idle = setTimeout(() => wantTyping(false), TYPING_IDLE_MS);
  }

  function wantTyping(active) {
    typing.wanted = active;
    const wait = typing.lastAt + TYPING_THROTTLE_MS - Date.now();
    if (wait <= 0) flushTyping();
    else if (!typing.throttle) typing.throttle = setTimeout(flushTyping, wait);
  }

  function flushTyping() {
    typing.throttle = null;
    const active = typing.wanted;
    typing.wanted = null;
    if (active === null || (!active && !typing.active)) return;
    if (!S.ready) {
      typing.active = false;
      return;
    }
    sendFrame({ type: "typing", active });
    typing.active = active;
    typing.lastAt = Date.now();
  }

  // --- sending: the outbox -------------------------------------------------------------

  function submitComposer() {
    const text = input.value.trim();
    if (!text) return;
    input.value = "";
    autoGrow();
    clearTimeout(typing.idle);
    wantTyping(false);
    sendText(text);
    input.focus();
  }

  function sendText(text) {
    const value = String(text).trim().slice(0, MAX_TEXT_CHARS);
    if (!value) return null;
    return enqueue({ id: newClientId(), type: "message", text: value, at: Date.now() });
  }

  function sendPostback(title, payload) {
    return enqueue({ id: newClientId(), type: "postback", title, payload, at: Date.now() });
  }

  function requestLiveInteraction() {
    if (S.outbox.some((item) => item.type === "live_interaction")) return;
    enqueue({ id: newClientId(), type: "live_interaction", at: Date.now() });
  }

  function enqueue(item) {
    S.outbox.push(item);
    saveOutbox();
    showPending(item);
    if (S.state === "closed") restartConversation();
    else if (S.ready) sendItem(item);
    else start();
    return item.id;
  }

  function showPending(item) {
    if (item.type !== "message" && item.type !== "postback") return;
    const el = pendingBubble(item);
    S.pendingEls.set(item.id, el);
    log.append(el);
    disableEarlierReplies(null);
    scrollToEnd(true);
  }

  function frameFor(item) {
    if (item.type === "message") return { type: "message", client_msg_id: item.id, text: item.text };
    if (item.type === "postback") {
      return { type: "postback", client_msg_id: item.id, title: item.title, payload: item.payload };
    }
    return { type: "live_interaction", client_msg_id: item.id };
  }

  function sendItem(item) {
    if (S.ready) sendFrame(frameFor(item));
  }

  function flushOutbox() {
    for (const item of S.outbox.slice()) sendItem(item);
  }

  function dropFromOutbox(id) {
    const before = S.outbox.length;
    S.outbox = S.outbox.filter((item) => item.id !== id);
    if (S.outbox.length !== before) saveOutbox();
  }

  function handleAck(frame) {
    const id = frame.client_msg_id;
    if (typeof id !== "string") return;
    dropFromOutbox(id);
    const el = S.pendingEls.get(id);
    if (!el) return;
    S.pendingEls.delete(id);
    const seq = frame.seq;
    const known = Number.isInteger(seq) ? S.messages.get(seq) : null;
    if (known || !Number.isInteger(seq)) {
      // The stored message is already on screen (it came before the ack, or with a replay).
      if (known) el.remove();
      else setDelivery(el, "delivered");
      return;
    }
    // Keep the bubble where message `seq` belongs; the `message` frame will replace it.
    el.dataset.seq = seq;
    setDelivery(el, "delivered");
    el.remove();
    insertBySeq(el, seq);
    S.messages.set(seq, { el, placeholder: true });
  }

  function handleError(frame) {
    const id = typeof frame.client_msg_id === "string" ? frame.client_msg_id : null;
    const detail = hasValue(frame.detail) ? String(frame.detail) : String(frame.code || "");
    if (!id) {
      if (S.csatSentAt && Date.now() - S.csatSentAt < 10000 && S.csatError) {
        S.csatSentAt = 0;
        S.csatError(detail);
      } else if (window.console) {
        console.warn("Sportello widget: server refused a frame:", frame.code, detail);
      }
      return;
    }
    const form = Array.from(S.forms.values()).find((entry) => entry.pendingId === id);
    if (form) {
      formFailed(form, detail);
      return;
    }
    const item = S.outbox.find((candidate) => candidate.id === id);
    if (!item) return;
    if (frame.code === "rate_limited") {
      setTimeout(() => {
        const still = S.outbox.find((candidate) => candidate.id === id);
        if (still) sendItem(still);
      }, RATE_LIMIT_RETRY_MS);
      return;
    }
    if (frame.code === "closed") {
      // The protocol says: start a new session. The message stays in the outbox and goes
      // to the new conversation.
      S.state = "closed";
      restartConversation();
      return;
    }
    dropFromOutbox(id);
    const el = S.pendingEls.get(id);
    if (el) {
      S.pendingEls.delete(id);
      setDelivery(el, "failed", detail);
    } else {
      showNotice(detail ? t("failed", { detail }) : T.failedUnknown);
    }
  }

  // --- connection -------------------------------------------------------------------------

  function start() {
    if (S.started || S.stopped) return;
    S.started = true;
    setStatus("connecting");
    connect(true);
  }

  function connect(withSession) {
    clearTimeout(S.reconnectTimer);
    S.reconnectTimer = null;
    (withSession ? openSession() : Promise.resolve())
      .then(openSocket)
      .catch((error) => {
        if (error && error.fatal) {
          stop("failedConnect");
          return;
        }
        scheduleReconnect(true);
      });
  }

  async function openSession() {
    for (let attempt = 0; attempt < 4; attempt += 1) {
      const body = { language: lang };
      if (S.token) body.token = S.token;
      if (identity) body.identity = identity;
      if (entry) body.entry = entry;
      const response = await fetch(`${server}/api/webchat/session`, {
        method: "POST",
        mode: "cors",
        credentials: "omit",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify(body),
      });
      let data = {};
      try {
        data = await response.json();
      } catch (_) {
        data = {};
      }
      if (response.ok && data && typeof data.token === "string") {
        entry = null; // linked once; the token carries it from now on
        S.token = data.token;
        store.set(KEY.token, data.token);
        if (typeof data.websocket === "string" && data.websocket) S.websocketPath = data.websocket;
        if (S.conversation !== null && data.conversation !== S.conversation) resetConversation();
        S.conversation = data.conversation;
        applyState(data.state, null);
        return data;
      }
      // Drop whatever was refused and try again without it.
      if (response.status === 403 && data.error === "bad_entry" && entry) {
        entry = null;
        showNotice(T.badEntry);
      } else if (response.status === 403 && data.error === "bad_identity" && identity) {
        if (window.console) console.warn("Sportello widget: the shop's identity was refused");
        identity = null;
      } else if (response.status === 400 && S.token) {
        forgetToken();
      } else if (response.status >= 400 && response.status < 500 && response.status !== 429) {
        const error = new Error(`session refused: ${response.status} ${data.error || ""}`);
        error.fatal = true;
        throw error;
      } else {
        throw new Error(`session failed: ${response.status}`);
      }
    }
    throw new Error("session refused");
  }

  function forgetToken() {
    S.token = null;
    store.remove(KEY.token);
  }

  function socketUrl() {
    const url = new URL(S.websocketPath, server + "/");
    if (url.protocol === "https:") url.protocol = "wss:";
    else if (url.protocol === "http:") url.protocol = "ws:";
    url.searchParams.set("token", S.token || "");
    return url.href;
  }

  function openSocket() {
    closeSocketQuietly();
    const socket = new WebSocket(socketUrl());
    const life = { opened: false };
    S.socket = socket;
    socket.onopen = () => {
      life.opened = true;
      S.lastFrameAt = Date.now();
    };
    socket.onmessage = (event) => {
      if (socket !== S.socket) return;
      S.lastFrameAt = Date.now();
      let frame;
      try {
        frame = JSON.parse(event.data);
      } catch (_) {
        return;
      }
      if (frame && typeof frame === "object") handleFrame(frame);
    };
    socket.onclose = (event) => {
      if (socket === S.socket) socketClosed(event.code, life.opened);
    };
  }

  function closeSocketQuietly() {
    const socket = S.socket;
    S.socket = null;
    S.connected = false;
    S.ready = false;
    clearInterval(S.pingTimer);
    if (socket) {
      socket.onopen = socket.onmessage = socket.onclose = null;
      try {
        socket.close(1000);
      } catch (_) {
        /* already closing */
      }
    }
  }

  function socketClosed(code, opened) {
    closeSocketQuietly();
    hideTyping();
    if (code === 4403) {
      stop("refused");
      return;
    }
    if (code === 4401) {
      if (S.retriedUnauthorized) {
        stop("failedConnect");
        return;
      }
      S.retriedUnauthorized = true;
      forgetToken();
      setStatus("reconnecting");
      connect(true);
      return;
    }
    // A refused handshake reaches browsers as 1006, without the 4401/4403 code: when the
    // socket never opened, ask for the session again (renews an expired token) before retrying.
    scheduleReconnect(!opened);
  }

  function scheduleReconnect(withSession) {
    if (S.stopped) return;
    setStatus("reconnecting");
    const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS * 2 ** S.backoffAttempt);
    S.backoffAttempt += 1;
    const delay = ceiling / 2 + Math.random() * (ceiling / 2);
    clearTimeout(S.reconnectTimer);
    S.reconnectTimer = setTimeout(() => connect(withSession), delay);
  }

  function restartConversation() {
    if (S.restarting || S.stopped) return;
    S.restarting = true;
    S.started = true;
    closeSocketQuietly();
    clearTimeout(S.reconnectTimer);
    setStatus("connecting");
    openSession() // the stored token names a closed conversation: the server starts a new one
      .then(openSocket)
      .catch(() => scheduleReconnect(true))
      .finally(() => {
        S.restarting = false;
      });
  }

  function stop(reason) {
    S.stopped = true;
    closeSocketQuietly();
    clearTimeout(S.reconnectTimer);
    setStatus(reason);
  }

  function sendFrame(frame) {
    const socket = S.socket;
    if (!socket || socket.readyState !== WebSocket.OPEN) return false;
    socket.send(JSON.stringify(frame));
    return true;
  }

  function startPing() {
    clearInterval(S.pingTimer);
    S.pingTimer = setInterval(() => {
      if (Date.now() - S.lastFrameAt > SILENCE_LIMIT_MS) {
        socketClosed(1006, true); // silent for too long: treat as lost and reconnect
        return;
      }
      sendFrame({ type: "ping" });
    }, PING_INTERVAL_MS);
  }

  function handleFrame(frame) {
    switch (frame.type) {
      case "welcome":
        if (S.conversation !== null && frame.conversation !== S.conversation) resetConversation();
        S.conversation = frame.conversation;
        S.connected = true;
        S.backoffAttempt = 0;
        S.retriedUnauthorized = false;
        if (S.historySeq === null && Number.isInteger(frame.last_seq)) S.historySeq = frame.last_seq;
        setStatus("online");
        applyState(frame.state, frame.position);
        sendFrame({ type: "resume", last_seq: S.lastSeq });
        S.ready = true;
        flushOutbox();
        if (S.csatQueued) {
          S.csatSentAt = Date.now();
          sendFrame(S.csatQueued);
          S.csatQueued = null;
        }
        startPing();
        break;
      case "message":
        renderMessage(frame);
        break;
      case "ack":
        handleAck(frame);
        break;
      case "state":
        applyState(frame.state, frame.position);
        break;
      case "typing":
        if (frame.sender !== "customer") showTyping(frame.sender, Boolean(frame.active));
        break;
      case "error":
        handleError(frame);
        break;
      case "csat.ok":
        S.csatSentAt = 0;
        break;
      case "form_state":
        applyFormState(frame);
        break;
      default: // pong and anything newer than this widget
        break;
    }
  }

  window.addEventListener("online", () => {
    if (S.started && !S.stopped && !S.socket && S.reconnectTimer) {
      S.backoffAttempt = 0;
      connect(true);
    }
  });

  // --- products and forms ---------------------------------------------------------------

  // A product card was opened: the operator sees which one (not stored, best effort).
  function onProductOpened(sku) {
    if (S.ready && sku) sendFrame({ type: "product_opened", sku });
    host.dispatchEvent(
      new CustomEvent("sportello:product-opened", { detail: { sku }, bubbles: true, composed: true }),
    );
  }

  // One field changed: the server keeps the form's state, the operator sees it live.
  function onFormFieldChanged(messageSeq, field, value) {
    const entry = S.forms.get(messageSeq);
    if (!entry || entry.status !== "open" || !S.ready) return;
    sendFrame({ type: "form_update", seq: messageSeq, field, value: String(value).slice(0, 200) });
  }

  // A form passed the client-side checks: the server validates again and answers with a
  // `form_state` (errors, or placed with the order number) carrying our client_msg_id.
  function onFormSubmit(messageSeq, values) {
    const entry = S.forms.get(messageSeq);
    if (entry) {
      if (!S.ready) {
        formFailed(entry, T.reconnecting);
        return;
      }
      entry.pendingId = newClientId();
      entry.submitButton.disabled = true;
      entry.statusLine.textContent = T.formSending;
      entry.statusLine.hidden = false;
      sendFrame({ type: "form_submit", client_msg_id: entry.pendingId, seq: messageSeq, values });
    }
    host.dispatchEvent(
      new CustomEvent("sportello:form-submit", {
        detail: { seq: messageSeq, values },
        bubbles: true,
        composed: true,
      }),
    );
  }

  // --- start ------------------------------------------------------------------------------

  window.SportelloWidget = {
    open: () => openPanel(false),
    close: () => closePanel(false),
    send: (text) => sendText(text),
    state: () => ({
      conversation: S.conversation,
      state: S.state,
      connected: S.connected,
      lastSeq: S.lastSeq,
      pending: S.outbox.length,
    }),
  };

  function mount() {
    document.body.append(host);
    for (const item of S.outbox) showPending(item); // unsent messages survive a reload
    const wasOpen = store.get(KEY.open) === "1";
    if (dataset.open === "true" || wasOpen || entry) openPanel(false);
    // A new visitor gets a conversation only once they open the chat; someone who already
    // has one (or unsent messages, or an e-mail link) reconnects right away.
    if (S.token || S.outbox.length || entry) start();
  }

  if (document.body) mount();
  else document.addEventListener("DOMContentLoaded", mount, { once: true });
})();
