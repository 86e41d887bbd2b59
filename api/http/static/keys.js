/*
 * The browser-key pages (api/http/web_keys.py): make and keep this browser's key, send it to an
 * invitation, sign the requests (principal.add_key / principal.confirm_key) and sign in by
 * challenge (docs/spec.md §19). Keys and signatures come from DecisionLedger (ledger.js): the
 * private key never leaves IndexedDB; only public keys, proofs and signed envelopes are posted.
 */
"use strict";

const KeysPage = (() => {
  const SIGN_IN_TYPE = "application/vnd.decision-ledger.sign-in+json";
  const zh = () => (document.documentElement.lang || "zh").startsWith("zh");
  const $ = (selector) => document.querySelector(selector);

  /** The problem document's detail in the page's language ("中文 — English"). */
  async function problemOf(response) {
    let detail = `HTTP ${response.status}`;
    try {
      const body = await response.json();
      detail = body.message_zh && zh() ? body.message_zh : body.message_en && !zh() ? body.message_en
        : body.detail || detail;
    } catch (e) { /* not JSON */ }
    const parts = String(detail).split(" — ");
    return parts.length > 1 ? (zh() ? parts[0] : parts.slice(1).join(" — ")) : detail;
  }

  function show(selector, text, problem) {
    const box = $(selector);
    box.textContent = text;
    box.hidden = false;
    box.className = problem ? "problem" : "ok";
  }

  async function post(url, body) {
    return fetch(url, { method: "POST", credentials: "same-origin",
                        headers: { "Content-Type": "application/json", Accept: "application/json" },
                        body: JSON.stringify(body) });
  }

  function cliCommand(principal, jwk, proof) {
    return `decision-ledger client principal add-key ${principal} --public-key '${JSON.stringify(jwk)}' ` +
           `--proof '${proof}' --key YOUR.pem --as ${principal} --server ${location.origin}`;
  }

  /** A new key for ``principal`` on ``ledger``, with its proof; kept only once ``keep`` says so. */
  async function makeKey(principal, ledger, name) {
    const key = await DecisionLedger.generateKey();
    const proof = await DecisionLedger.keyProof(key, ledger, principal);
    return { principal_id: principal, ledger_id: ledger, name, proof, ...key };
  }

  function showConsent(record) {
    const box = $("#consent");
    if (!box) return;
    $("#cli-command").textContent = cliCommand(record.principal_id, record.jwk, record.proof);
    box.hidden = false;
  }

  // --- /keys: revoking a key (principal.revoke_key, signed by the person or an administrator) -----
  async function revoking(root) {
    const { principal, me } = root.dataset;
    const signer = await DecisionLedger.loadKey(me);
    const here = root.dataset.other ? null : signer;
    for (const button of document.querySelectorAll("button.revoke")) {
      const row = button.closest("tr");
      const problem = row.querySelector(".row-problem");
      const say = (text) => { problem.textContent = text; problem.hidden = false; };
      if (here && here.keyid === button.dataset.keyid) say(root.dataset.thisBrowser);
      button.addEventListener("click", async () => {
        const reason = row.querySelector(".revoke-reason").value.trim();
        if (!reason) { say(root.dataset.reasonNeeded); return; }
        if (!signer) { say(root.dataset.nokey); return; }
        button.disabled = true;
        try {
          const asked = await fetch(`/v1/aggregates/${principal}/version`, { credentials: "same-origin" });
          if (!asked.ok) throw new Error(await problemOf(asked));
          const { version } = await asked.json();
          const intent = DecisionLedger.newIntent(me, "principal.revoke_key", principal, version,
                                                  { keyid: button.dataset.keyid, reason });
          const response = await post(`/v1/principals/${principal}/key-revocations`,
                                      await DecisionLedger.signIntent(signer, intent));
          if (!response.ok) throw new Error(await problemOf(response));
          location.reload();
        } catch (error) {
          say(error.message);
          button.disabled = false;
        }
      });
    }
  }

  // --- /keys: my keys ----------------------------------------------------------------------------
  async function myKeys(root) {
    await revoking(root);
    if (root.dataset.other) return; // an administrator reading someone's keys: nothing of this browser's
    const { principal, ledger, name } = root.dataset;
    const mine = await DecisionLedger.loadKey(principal);
    if (mine && mine.ledger_id === ledger) {
      const row = document.querySelector(`tr[data-keyid="${mine.keyid}"]`);
      if (row) row.querySelector(".here").hidden = false;
      show("#browser-key", `${root.dataset.made} ${DecisionLedger.fingerprint(mine.keyid)}`);
      $("#browser-key").dataset.keyid = mine.keyid;
      if (!row && mine.proof) showConsent(mine);
      return;
    }
    const button = $("#make-key");
    button.hidden = false;
    button.addEventListener("click", async () => {
      button.disabled = true;
      const record = await makeKey(principal, ledger, name);
      await DecisionLedger.saveKey(record);
      show("#browser-key", `${root.dataset.made} ${DecisionLedger.fingerprint(record.keyid)}`);
      $("#browser-key").dataset.keyid = record.keyid;
      button.hidden = true;
      showConsent(record);
    });
  }

  // --- /keys/enrol?code=: the invited person's browser ---------------------------------------------
  async function enrol(root) {
    const { principal, ledger, name, code } = root.dataset;
    const button = $("#make-key");
    const held = await DecisionLedger.loadKey(principal);
    if (held && held.ledger_id === ledger) {
      show("#enrol-problem", root.dataset.held, true);
    }
    button.addEventListener("click", async () => {
      button.disabled = true;
      const record = await makeKey(principal, ledger, name);
      const response = await post("/v1/key-requests", { code, jwk: record.jwk, proof: record.proof });
      if (!response.ok) {
        show("#enrol-problem", await problemOf(response), true);
        button.disabled = false;
        return;
      }
      await DecisionLedger.saveKey(record);
      $("#fingerprint").textContent = DecisionLedger.fingerprint(record.keyid);
      $("#sent").hidden = false;
      $("#enrol-problem").hidden = true;
      button.hidden = true;
      showConsent(record);
    });
  }

  // --- /keys/requests: sign add_key / confirm_key in the browser -------------------------------
  async function requests(root) {
    const me = root.dataset.me;
    const mine = await DecisionLedger.loadKey(me);
    for (const button of document.querySelectorAll("button.sign")) {
      button.addEventListener("click", async () => {
        const row = button.closest("tr");
        const problem = row.querySelector(".row-problem");
        if (!mine) {
          problem.textContent = root.dataset.nokey;
          problem.hidden = false;
          return;
        }
        const { action, person, version, keyid } = button.dataset;
        const args = action === "principal.confirm_key" ? { keyid }
          : { public_key: JSON.parse(button.dataset.jwk), proof: button.dataset.proof };
        const intent = DecisionLedger.newIntent(me, action, person, Number(version), args);
        const envelope = await DecisionLedger.signIntent(mine, intent);
        const path = action === "principal.confirm_key" ? "key-confirmations" : "keys";
        button.disabled = true;
        const response = await post(`/v1/principals/${person}/${path}`, envelope);
        if (response.ok) {
          location.reload();
          return;
        }
        problem.textContent = await problemOf(response);
        problem.hidden = false;
        button.disabled = false;
      });
    }
  }

  // --- /signin: answer a challenge with a key kept in this browser ------------------------------
  async function signIn(root) {
    const ledger = root.dataset.ledger;
    const list = $("#browser-keys");
    const keys = (await DecisionLedger.listKeys()).filter((k) => k.ledger_id === ledger);
    if (!keys.length) {
      $("#no-browser-keys").hidden = false;
      return;
    }
    for (const key of keys) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "key-signin";
      button.dataset.principal = key.principal_id;
      button.textContent = `${root.dataset.as} ${key.name || ""}（${DecisionLedger.fingerprint(key.keyid)}）`;
      button.addEventListener("click", () => answer(key, button));
      const item = document.createElement("li");
      item.append(button);
      list.append(item);
    }
  }

  async function answer(key, button) {
    button.disabled = true;
    try {
      const issued = await post("/v1/sign-in/challenges", {});
      if (!issued.ok) throw new Error(await problemOf(issued));
      const { challenge, ledger } = await issued.json();
      const statement = { purpose: "decision-ledger/sign-in/v1", challenge, ledger, principal: key.principal_id,
                          keyid: key.keyid, origin: location.origin };
      const sig = await DecisionLedger.signStatement(key, SIGN_IN_TYPE, statement);
      const payload = DecisionLedger.base64(new TextEncoder().encode(DecisionLedger.canonical(statement)));
      const done = await post("/v1/sign-in", { payload, payloadType: SIGN_IN_TYPE,
                                               signatures: [{ keyid: key.keyid, sig }] });
      if (!done.ok) throw new Error(await problemOf(done));
      const next = document.querySelector('input[name="next"]');
      const target = next && next.value.startsWith("/") && !next.value.startsWith("//") ? next.value : "/cases";
      location.assign(target);
    } catch (error) {
      show("#key-problem", error.message, true);
      button.disabled = false;
    }
  }

  const pages = { keys: myKeys, enrol, requests, signin: signIn };
  document.addEventListener("DOMContentLoaded", () => {
    const root = document.querySelector("[data-keys-page]");
    if (root) pages[root.dataset.keysPage](root).catch((error) => show("#key-problem", error.message, true));
  });
  return { makeKey, cliCommand };
})();
