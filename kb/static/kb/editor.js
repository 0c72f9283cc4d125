// The KB editor's little bit of behaviour: autosave drafts, refresh the linter panel.
//
// Forms marked data-autosave are saved with fetch shortly after typing stops; the server
// answers with the linter's findings, which replace the panel's list. Fields marked
// data-submit-on-change (target node, kind, key…) change the tree's shape, so they submit
// the form normally and the page is drawn again. Without JavaScript every form still
// works through its own submit button.
(function () {
  "use strict";

  const SAVE_DELAY_MS = 700;
  const script = document.currentScript;
  const canSubmit = script && script.dataset.canSubmit === "1";
  const state = document.getElementById("save-state");
  const csrf = document.querySelector("input[name=csrfmiddlewaretoken]");
  let pending = 0;

  function showState(text, isError) {
    if (!state) return;
    state.textContent = text;
    state.classList.toggle("error", Boolean(isError));
  }

  function renderFindings(findings) {
    const list = document.getElementById("findings");
    const ok = document.getElementById("lint-ok");
    const submit = document.getElementById("submit-review");
    if (!list) return;
    list.replaceChildren();
    for (const finding of findings) {
      const item = document.createElement("li");
      item.dataset.code = finding.code;
      const code = document.createElement("code");
      code.textContent = finding.code;
      item.append(code, " ");
      if (finding.node) {
        const link = document.createElement("a");
        link.href = "#node-" + finding.node;
        link.textContent = finding.node;
        item.append(link, ": ");
      }
      item.append(finding.message);
      list.append(item);
    }
    if (ok) ok.hidden = findings.length > 0;
    if (submit) submit.disabled = findings.length > 0 || !canSubmit;
    const withFindings = new Set(findings.map((f) => f.node).filter(Boolean));
    document.querySelectorAll("section.node[data-node]").forEach((section) => {
      section.classList.toggle("has-findings", withFindings.has(section.dataset.node));
    });
  }

  async function save(form) {
    pending += 1;
    showState("Saving…");
    try {
      const response = await fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        headers: { Accept: "application/json", "X-CSRFToken": csrf ? csrf.value : "" },
        credentials: "same-origin",
      });
      const data = await response.json();
      if (data.ok) {
        showState("Draft saved " + data.saved_at);
        renderFindings(data.findings);
        // Already sanitised by the server (nh3), exactly as customers will get it.
        for (const [lang, html] of Object.entries(data.rendered || {})) {
          const box = document.querySelector(
            '[data-testid="rendered-' + lang + "-" + CSS.escape(data.node) + '"]'
          );
          if (box) box.innerHTML = html;
        }
      } else {
        showState("Not saved: " + data.error, true);
      }
    } catch (error) {
      showState("Not saved (offline?) — will retry on the next change", true);
    } finally {
      pending -= 1;
    }
  }

  document.querySelectorAll("form[data-autosave]").forEach((form) => {
    let timer = null;
    form.addEventListener("input", (event) => {
      if (event.target.hasAttribute("data-submit-on-change")) return;
      clearTimeout(timer);
      showState("Editing…");
      timer = setTimeout(() => save(form), SAVE_DELAY_MS);
    });
    form.addEventListener("change", (event) => {
      if (event.target.hasAttribute("data-submit-on-change")) {
        clearTimeout(timer);
        form.submit();
      }
    });
  });

  document.querySelectorAll("form[data-confirm]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  });

  window.addEventListener("beforeunload", (event) => {
    if (pending > 0) event.preventDefault();
  });
})();
