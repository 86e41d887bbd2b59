/*
 * Decision Ledger: an action's form, signed in the page (issue 19 point 2).
 *
 * The form is generated from the command model (api/http/forms.py); each field carries its kind.
 * This script reads the fields back into the intent's args, fetches the target's version, builds
 * the intent (DecisionLedger.newIntent), shows it in words before signing, signs it with the
 * person's own key from IndexedDB (DecisionLedger.loadKey) and posts the envelope to the action's
 * write endpoint. It shows what the ledger recorded (version, event hash, findings raised at once)
 * or its refusal with the article quoted. The private key never leaves the browser.
 */
"use strict";

(() => {
  const config = JSON.parse(document.getElementById("act-config").textContent);
  const W = config.words;
  const form = document.getElementById("act-form");
  const hex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  let pending = null; // {intent, created}
  const ZH = config.lang === "zh";
  const COLON = ZH ? "：" : ": ";
  const COMMA = ZH ? "，" : ", ";

  class Invalid extends Error {}

  // --- the fields ---------------------------------------------------------------------------
  function own(el) {
    return [...el.querySelectorAll(".field")].filter((f) => f.parentElement.closest(".field, .row, form") === el);
  }
  function control(field) {
    return field.querySelector(".v");
  }
  function addRow(field) {
    const template = field.querySelector(":scope > fieldset > template.row-template");
    const rows = field.querySelector(":scope > fieldset > .rows");
    rows.appendChild(template.content.cloneNode(true));
    prepare(rows.lastElementChild);
  }
  function prepare(root) {
    for (const f of root.querySelectorAll('.field[data-kind="newid"] .v')) if (!f.value) f.value = crypto.randomUUID();
    for (const f of root.querySelectorAll('.field[data-kind="lookup"]')) lookup(f);
    for (const input of root.querySelectorAll('.field[data-kind="digest"] input.file')) {
      input.addEventListener("change", async () => {
        const out = input.parentElement.querySelector(".v");
        out.value = W.computing;
        const file = input.files[0];
        out.value = file ? hex(await DecisionLedger.sha256(new Uint8Array(await file.arrayBuffer()))) : "";
        out.dispatchEvent(new Event("input"));
      });
    }
    for (const field of root.querySelectorAll('.field[data-kind="list"]')) {
      if (field.dataset.ready) continue;
      field.dataset.ready = "1";
      field.querySelector(":scope > fieldset > button.add").addEventListener("click", () => addRow(field));
      if (field.dataset.required) addRow(field);
    }
  }
  form.addEventListener("click", (event) => {
    if (event.target.matches("button.remove")) event.target.closest(".row").remove();
    if (event.target.matches("button.add, button.remove")) withdraw();
  });
  /**
   * What is signed is what the preview shows of the form as it stands: any edit after the preview
   * withdraws it (its intent is dropped; the id a creating action drew is kept), so the sign
   * button never signs values the form no longer shows.
   */
  function withdraw() {
    if (pending) pending = { intent: null, created: pending.created };
    document.getElementById("preview").hidden = true;
    document.getElementById("sign").disabled = true;
  }
  form.addEventListener("input", withdraw);
  form.addEventListener("change", withdraw);

  function invalid(field) {
    field.classList.add("invalid");
    throw new Invalid(`${W.invalid}${COLON}${field.dataset.label}`);
  }

  /** The value of one field, or undefined to leave it out. */
  function read(field) {
    const kind = field.dataset.kind;
    const required = Boolean(field.dataset.required);
    field.classList.remove("invalid");
    const c = control(field);
    let value;
    switch (kind) {
      case "text": case "long": case "date": case "select": case "ref": case "newid": case "digest": case "fixed":
        value = c.value.trim() === "" ? undefined : (kind === "long" || kind === "text" ? c.value : c.value.trim());
        break;
      case "int":
        value = c.value === "" ? undefined : Number.parseInt(c.value, 10);
        break;
      case "bool":
        value = c.checked;
        if (!required && !value) value = undefined;
        break;
      case "citations": {
        // ARTICLE: NX-16, XX-23, XX-18 — each ticked event cited by position and pinned by its hash
        const ticked = [...field.querySelectorAll(".v:checked")].map((box) => {
          const [aggregate_id, version, hash] = box.value.split("|");
          return { aggregate_id, version: Number.parseInt(version, 10), hash };
        });
        value = ticked.length || required ? ticked : undefined;
        if (required && !ticked.length) invalid(field);
        break;
      }
      case "lookup": case "suggest":
        value = c.value.trim() === "" ? undefined : (kind === "suggest" ? c.value : c.value.trim());
        break;
      case "checks": case "refs": {
        const ticked = [...field.querySelectorAll(".v:checked")].map((box) => box.value);
        value = ticked.length || required ? ticked : undefined;
        if (required && !ticked.length) invalid(field);
        break;
      }
      case "sections": {
        const parts = {};
        for (const area of field.querySelectorAll(".v")) if (area.value.trim()) parts[area.dataset.key] = area.value;
        value = Object.keys(parts).length ? parts : undefined;
        break;
      }
      case "object": {
        const include = field.querySelector(":scope > fieldset > legend .include");
        value = include && !include.checked ? undefined : collect(field);
        break;
      }
      case "list": {
        const rows = [...field.querySelectorAll(":scope > fieldset > .rows > .row")];
        value = rows.map((row) => read(own(row)[0])).filter((v) => v !== undefined);
        if (!value.length && !required) value = undefined;
        break;
      }
      case "process":
        value = field.dataset.value;
        break;
      default:
        throw new Error("unknown field kind " + kind);
    }
    if (value === undefined && required && kind !== "process") invalid(field);
    if (kind === "int" && value !== undefined && !Number.isSafeInteger(value)) invalid(field);
    return value;
  }

  function collect(el) {
    const args = {};
    for (const field of own(el)) {
      const value = read(field);
      if (value !== undefined) args[field.dataset.name] = value;
    }
    return args;
  }

  // --- people, organisations and agencies looked up by name (GET /v1/lookup/…) ----------------
  /**
   * A combobox (WAI-ARIA 1.2, list autocomplete): typing asks the service for matches within the
   * reader's scope; ArrowDown/ArrowUp move through them, Enter chooses, Escape closes. The chosen
   * id goes into the field's hidden value; typing again clears it until another is chosen.
   */
  let lookups = 0;
  function lookup(field) {
    const input = field.querySelector(".lookup-text");
    if (!input || input.dataset.ready) return;
    input.dataset.ready = "1";
    const hidden = control(field);
    const list = field.querySelector(".lookup-list");
    const status = field.querySelector(".lookup-status");
    const id = `lookup-${++lookups}`;
    list.id = id;
    input.setAttribute("aria-controls", id);
    let active = -1;
    let timer = null;
    let asked = 0;
    const options = () => [...list.querySelectorAll('[role="option"]')];
    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }
    function highlight(index) {
      const all = options();
      if (!all.length) return;
      active = (index + all.length) % all.length;
      all.forEach((li, i) => li.setAttribute("aria-selected", String(i === active)));
      input.setAttribute("aria-activedescendant", all[active].id);
      all[active].scrollIntoView({ block: "nearest" });
    }
    function choose(li) {
      hidden.value = li.dataset.id;
      input.value = li.textContent;
      status.textContent = "";
      close();
      withdraw();
    }
    async function search() {
      const q = input.value.trim();
      if (!q) { close(); status.textContent = ""; return; }
      const params = new URLSearchParams({ q });
      if (input.dataset.within) {
        const scope = field.parentElement.querySelector(`:scope > .field[data-name="${input.dataset.within}"] .v`);
        if (scope && scope.value) params.set("organisation", scope.value);
      }
      const mine = ++asked;
      let found;
      try {
        found = await getJson(`/v1/lookup/${input.dataset.source}?${params}`);
      } catch (error) {
        status.textContent = error.message;
        return;
      }
      if (mine !== asked) return; // an older answer, overtaken by typing
      list.replaceChildren(...found.items.map((match, i) => Object.assign(document.createElement("li"), {
        id: `${id}-${i}`, textContent: match.label, role: "option",
      })));
      options().forEach((li, i) => { li.setAttribute("role", "option"); li.setAttribute("aria-selected", "false"); li.dataset.id = found.items[i].id; });
      status.textContent = !found.items.length ? W.lookup_none : found.more ? W.lookup_more : "";
      if (found.items.length) {
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
        active = -1;
      } else {
        close();
      }
    }
    input.addEventListener("input", () => {
      hidden.value = "";
      clearTimeout(timer);
      timer = setTimeout(search, 150);
    });
    input.addEventListener("keydown", (event) => {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        if (list.hidden && options().length) { list.hidden = false; input.setAttribute("aria-expanded", "true"); }
        highlight(active + (event.key === "ArrowDown" ? 1 : -1));
      } else if (event.key === "Enter") {
        event.preventDefault();
        if (!list.hidden && active >= 0) choose(options()[active]);
      } else if (event.key === "Escape") {
        close();
      }
    });
    list.addEventListener("mousedown", (event) => {
      const li = event.target.closest('[role="option"]');
      if (li) { event.preventDefault(); choose(li); }
    });
    input.addEventListener("blur", () => {
      setTimeout(close, 100);
      if (input.value.trim() && !hidden.value) status.textContent = W.lookup_choose;
    });
  }

  // --- the intent in words -------------------------------------------------------------------
  function words(field, value) {
    const kind = field.dataset.kind;
    const c = control(field);
    const span = (text) => Object.assign(document.createElement("span"), { textContent: text });
    switch (kind) {
      case "select": case "ref":
        return span(c.selectedOptions[0].textContent);
      case "bool":
        return span(value ? W.yes : W.no);
      case "lookup":
        return span(field.querySelector(".lookup-text").value);
      case "checks": case "refs": case "citations":
        return span([...field.querySelectorAll(".v:checked")].map((b) => b.parentElement.textContent.trim()).join(ZH ? "、" : ", "));
      case "newid":
        return span(ZH ? `${value}（${W.generated}）` : `${value} (${W.generated})`);
      case "sections": {
        const dl = document.createElement("dl");
        for (const area of field.querySelectorAll(".v")) {
          if (!area.value.trim()) continue;
          dl.append(Object.assign(document.createElement("dt"), { textContent: area.parentElement.firstChild.textContent.trim() }),
                    Object.assign(document.createElement("dd"), { textContent: area.value }));
        }
        return dl;
      }
      case "object":
        return describe(field, value);
      case "list": {
        const ol = document.createElement("ol");
        const rows = [...field.querySelectorAll(":scope > fieldset > .rows > .row")];
        rows.forEach((row, i) => {
          const li = document.createElement("li");
          const item = own(row)[0];
          if (value[i] !== undefined) li.append(words(item, value[i]));
          ol.append(li);
        });
        return ol;
      }
      default:
        return span(String(value));
    }
  }

  function describe(el, args) {
    const dl = document.createElement("dl");
    for (const field of own(el)) {
      const value = args[field.dataset.name];
      const dd = document.createElement("dd");
      dd.dataset.name = field.dataset.name;
      dd.append(value === undefined ? W.empty : words(field, value));
      dl.append(Object.assign(document.createElement("dt"), { textContent: field.dataset.label }), dd);
    }
    return dl;
  }

  // --- reading what to sign --------------------------------------------------------------------
  async function getJson(url) {
    const response = await fetch(url, { credentials: "same-origin" });
    if (!response.ok) throw new Error(`${url}: ${response.status}`);
    return response.json();
  }

  /** 全过程记录 (NX-10(4)): read the case's record and digest it here, as the ledger does. */
  async function processDigest() {
    const document_ = await getJson(`/v1/cases/${config.case}/process-record`);
    const bytes = new TextEncoder().encode(DecisionLedger.canonical(document_.record));
    const digest = "sha256:" + hex(await DecisionLedger.sha256(bytes));
    if (digest !== document_.digest) throw new Error(`process record: ${digest} ≠ ${document_.digest}`);
    return digest;
  }

  /**
   * A classified material's content sealed here, before it is signed (NX-15, XX-22; spec: sealed
   * values): a fresh data key from the service, AES-256-GCM over the content's canonical JSON,
   * bound to this case and material by the additional data. The signed intent carries only the
   * ciphertext; the clear content is shown in the preview, never sent in the intent.
   */
  const MATERIAL_FIELDS = ["title", "source", "digest", "summary"];
  async function sealIfClassified(args) {
    if (config.action !== "case.collect_material" || !args.classification || args.classification === "none") {
      return args;
    }
    const response = await fetch("/v1/secrets/keys", { method: "POST", credentials: "same-origin" });
    const issued = await response.json();
    if (response.status !== 201) throw new Error(issued.detail || issued.title);
    const content = {};
    for (const name of MATERIAL_FIELDS) if (args[name] !== undefined) content[name] = args[name];
    const key = await crypto.subtle.importKey("raw", DecisionLedger.fromBase64(issued.key), "AES-GCM", false, ["encrypt"]);
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const aad = new TextEncoder().encode(DecisionLedger.canonical({
      alg: "A256GCM", case_id: config.case, format: "decision-ledger/sealed/v1", kid: issued.kid,
      material_id: args.material_id }));
    const ct = await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData: aad }, key,
                                           new TextEncoder().encode(DecisionLedger.canonical(content)));
    const sealed = { alg: "A256GCM", kid: issued.kid, iv: DecisionLedger.base64(iv), ct: DecisionLedger.base64(ct) };
    const out = { ...args, sealed };
    for (const name of MATERIAL_FIELDS) delete out[name];
    return out;
  }

  async function preview() {
    const problem = document.getElementById("form-problem");
    problem.hidden = true;
    document.getElementById("outcome").replaceChildren();
    try {
      for (const field of form.querySelectorAll('.field[data-kind="process"]')) {
        field.dataset.value = await processDigest();
        field.querySelector(".v").textContent = field.dataset.value;
      }
      const shown = collect(form);
      const args = await sealIfClassified(shown);
      const target = config.target || (pending && pending.created) || crypto.randomUUID();
      const version = config.creates ? 0 : (await getJson(`/v1/aggregates/${target}/version`)).version;
      const intent = DecisionLedger.newIntent(config.me, config.action, target, version, args);
      pending = { intent, created: config.creates ? target : null };
      const head = document.createElement("dl");
      for (const [term, text] of [[W.action, config.action_label], [W.target, config.target_name],
                                  [W.signer, config.signer], [W.version, String(version)]]) {
        head.append(Object.assign(document.createElement("dt"), { textContent: term }),
                    Object.assign(document.createElement("dd"), { textContent: text }));
      }
      head.id = "preview-head";
      const body = describe(form, shown);
      body.id = "preview-args";
      const parts = [head, body];
      if (args.sealed) {
        parts.push(Object.assign(document.createElement("p"), { id: "sealed-note", textContent: W.sealed_note }));
      }
      document.getElementById("preview-body").replaceChildren(...parts);
      document.getElementById("preview").hidden = false;
      document.getElementById("sign").disabled = false;
      document.getElementById("preview").scrollIntoView();
    } catch (error) {
      problem.textContent = error.message;
      problem.hidden = false;
    }
  }

  // --- signing and the outcome --------------------------------------------------------------
  function quote(article) {
    const text = config.articles[article] || config.articles[String(article).replace(/\(.*$/, "")];
    const block = document.createElement("blockquote");
    block.className = "article-text";
    block.textContent = `${article}${text ? COLON + text : ""}`;
    return block;
  }

  function showRecorded(recorded) {
    const out = document.getElementById("outcome");
    const box = document.createElement("div");
    box.className = "recorded";
    box.id = "recorded";
    const line = document.createElement("p");
    line.textContent = `${W.recorded}${COLON}${W.version} ${recorded.version}${COMMA}${W.event_hash} ${recorded.hash.slice(0, 12)}…`;
    box.append(line);
    const h = Object.assign(document.createElement("h3"), { textContent: W.findings_raised });
    box.append(h);
    if (!recorded.findings.length) box.append(Object.assign(document.createElement("p"), { textContent: W.no_findings }));
    const list = document.createElement("ul");
    list.id = "findings";
    for (const id of recorded.findings) {
      const rule = config.rules[id] || { title: id, articles: [] };
      const li = document.createElement("li");
      li.className = "finding";
      li.textContent = ZH ? `${rule.title}（${rule.articles.join("、")}）` : `${rule.title} (${rule.articles.join(", ")})`;
      for (const article of rule.articles) li.append(quote(article));
      list.append(li);
    }
    box.append(list);
    const next = document.createElement("a");
    next.id = "next";
    if (config.action === "decision.register") next.href = `/decisions/${recorded.aggregate_id}/act`;
    else if (config.action === "case.open" || config.case) next.href = `/cases/${recorded.aggregate_id}/act`;
    else next.href = `/decisions/${recorded.aggregate_id}/act`;
    next.textContent = W.open_case_link;
    box.append(next);
    out.replaceChildren(box);
  }

  function showRefusal(status, problem) {
    const out = document.getElementById("outcome");
    const box = document.createElement("div");
    box.className = "problem";
    box.id = "refusal";
    const head = document.createElement("p");
    head.textContent = status === 403 ? W.not_permitted : W.refused;
    head.style.fontWeight = "bold";
    box.append(head);
    const message = document.createElement("p");
    message.id = "refusal-message";
    const said = config.lang === "zh" ? problem.message_zh : problem.message_en;
    message.textContent = said || problem.detail || problem.title;
    box.append(message);
    if (problem.article) {
      const article = document.createElement("p");
      article.id = "refusal-article";
      article.textContent = `${W.article}${COLON}${problem.article}`;
      box.append(article, quote(problem.article));
    }
    if (said && problem.detail) {
      box.append(Object.assign(document.createElement("p"), { className: "muted", textContent: problem.detail }));
    }
    out.replaceChildren(box);
  }

  async function sign() {
    const button = document.getElementById("sign");
    if (!pending || !pending.intent) return; // withdrawn by an edit: preview again
    button.disabled = true;
    const me = await DecisionLedger.loadKey(config.me);
    if (!me) {
      showRefusal(0, { title: W.no_key });
      return;
    }
    const envelope = await DecisionLedger.signIntent(me, pending.intent);
    const response = await fetch(config.post, {
      method: "POST", credentials: "same-origin", headers: { "content-type": "application/json" },
      body: JSON.stringify(envelope),
    });
    const answer = await response.json();
    document.getElementById("preview").hidden = true;
    if (response.status === 201) {
      showRecorded(answer);
      form.querySelectorAll("input, textarea, select, button").forEach((el) => { el.disabled = true; });
    } else {
      showRefusal(response.status, answer);
    }
  }

  prepare(form);
  document.getElementById("preview-button").addEventListener("click", preview);
  document.getElementById("sign").addEventListener("click", sign);
  document.getElementById("edit").addEventListener("click", () => { document.getElementById("preview").hidden = true; });
})();
