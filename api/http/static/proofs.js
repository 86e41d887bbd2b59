/* A second verifier, in the browser: WebCrypto only (SHA-256, Ed25519), no library.
 *
 * It checks what docs/spec.md defines, and nothing of the server's code:
 *   - an event's hash recomputed from the stored event (§6.2, RFC 8785 over the restricted domain of §2);
 *   - RFC 9162 inclusion proofs (§2.1.3.2) and consistency proofs (§2.1.4.2) (§10);
 *   - C2SP signed notes and checkpoints under the ledger's Ed25519 verifier key (§11).
 * Each failure throws a ProofError whose message is the Python verifier's (domain/evidence/merkle.py,
 * checkpoint.py), so the test vectors' verdicts can be compared word for word.
 *
 * DLProofs.runPage() drives the page /proofs/events/{case}/{version} (api/http/templates/proof.html).
 */
(function (global) {
  "use strict";

  class ProofError extends Error {
    constructor(message) { super(message); this.name = "ProofError"; }
  }

  const ENCODER = new TextEncoder();
  const B64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
  const HEX = /^(?:[0-9a-f]{2})*$/;
  const EM_DASH = "\u2014";
  const ED25519 = 0x01;
  const MAX_SAFE = Number.MAX_SAFE_INTEGER;

  // --- bytes -------------------------------------------------------------------------------------
  function utf8(text) { return ENCODER.encode(text); }

  function concat(...parts) {
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) { out.set(p, at); at += p.length; }
    return out;
  }

  function equal(a, b) {
    if (a.length !== b.length) return false;
    let diff = 0;
    for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
    return diff === 0;
  }

  function hex(bytes) { return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join(""); }

  function fromHex(text) {
    if (typeof text !== "string" || !HEX.test(text)) throw new ProofError(`not lowercase hex: ${String(text).slice(0, 40)}`);
    const out = new Uint8Array(text.length / 2);
    for (let i = 0; i < out.length; i++) out[i] = parseInt(text.substr(2 * i, 2), 16);
    return out;
  }

  function toBase64(bytes) { return btoa(String.fromCharCode(...bytes)); }

  /** base64, standard alphabet with padding, canonical spelling only (docs/spec.md §1). */
  function fromBase64(text) {
    if (!B64.test(text)) return null;
    const raw = atob(text);
    const out = Uint8Array.from(raw, (c) => c.charCodeAt(0));
    return toBase64(out) === text ? out : null;
  }

  async function sha256(bytes) { return new Uint8Array(await crypto.subtle.digest("SHA-256", bytes)); }
  const leafHash = (data) => sha256(concat(Uint8Array.of(0), data));
  const nodeHash = (left, right) => sha256(concat(Uint8Array.of(1), left, right));

  // --- RFC 9162 (docs/spec.md §10) ---------------------------------------------------------------
  function big(n) { return BigInt(n); }

  /** RFC 9162 §2.1.3.2: `leaf` (the leaf hash) is at `index` of the tree of `size` whose root is `root`. */
  async function verifyInclusion(leaf, index, size, path, root) {
    let fn = big(index), sn = big(size) - 1n;
    if (fn >= big(size) || fn < 0n) throw new ProofError(`leaf index ${index} is outside a tree of size ${size}`);
    let r = leaf;
    for (const p of path) {
      if (sn === 0n) throw new ProofError("the inclusion path is longer than the tree is deep");
      if ((fn & 1n) || fn === sn) {
        r = await nodeHash(p, r);
        if (!(fn & 1n)) { while (fn && !(fn & 1n)) { fn >>= 1n; sn >>= 1n; } }
      } else {
        r = await nodeHash(r, p);
      }
      fn >>= 1n; sn >>= 1n;
    }
    if (sn !== 0n) throw new ProofError("the inclusion path is shorter than the tree is deep");
    if (!equal(r, root)) throw new ProofError("the inclusion path does not lead to the root");
  }

  /** RFC 9162 §2.1.4.2: the tree of size `newSize` with `newRoot` extends that of `oldSize` with `oldRoot`. */
  async function verifyConsistency(oldSize, newSize, oldRoot, newRoot, path) {
    const old = big(oldSize), nw = big(newSize);
    if (!(0n <= old && old <= nw)) throw new ProofError(`size ${oldSize} cannot precede size ${newSize}`);
    if (old === nw) {
      if (path.length || !equal(oldRoot, newRoot)) throw new ProofError("equal sizes need equal roots and an empty proof");
      return;
    }
    if (old === 0n) {
      if (path.length) throw new ProofError("a proof from the empty tree is empty");
      return;
    }
    if (!path.length) throw new ProofError("the consistency proof is empty");
    const nodes = Array.from(path);
    if ((old & (old - 1n)) === 0n) nodes.unshift(oldRoot);
    let fn = old - 1n, sn = nw - 1n;
    while (fn & 1n) { fn >>= 1n; sn >>= 1n; }
    let fr = nodes[0], sr = nodes[0];
    for (const c of nodes.slice(1)) {
      if (sn === 0n) throw new ProofError("the consistency proof is longer than needed");
      if ((fn & 1n) || fn === sn) {
        fr = await nodeHash(c, fr);
        sr = await nodeHash(c, sr);
        if (!(fn & 1n)) { while (fn && !(fn & 1n)) { fn >>= 1n; sn >>= 1n; } }
      } else {
        sr = await nodeHash(sr, c);
      }
      fn >>= 1n; sn >>= 1n;
    }
    if (sn !== 0n) throw new ProofError("the consistency proof is shorter than needed");
    if (!equal(fr, oldRoot)) throw new ProofError("the proof does not lead to the old root");
    if (!equal(sr, newRoot)) throw new ProofError("the proof does not lead to the new root");
  }

  // --- C2SP signed notes and checkpoints (docs/spec.md §11) --------------------------------------
  async function keyId(name, publicKey) {
    return (await sha256(concat(utf8(name), Uint8Array.of(0x0a, ED25519), publicKey))).slice(0, 4);
  }

  /** `name+keyid+base64(0x01 ‖ key)` → {name, keyId, publicKey}. */
  async function parseVerifierKey(text) {
    const parts = text.trim().split("+");
    if (parts.length < 3) throw new ProofError("a verifier key is NAME+KEYID+BASE64");
    const [name, hexId] = parts;
    const raw = fromBase64(parts.slice(2).join("+"));
    if (raw === null) throw new ProofError("a verifier key is NAME+KEYID+BASE64");
    if (raw.length !== 33 || raw[0] !== ED25519) throw new ProofError("only Ed25519 verifier keys (type 0x01) are supported");
    const publicKey = raw.slice(1);
    const id = await keyId(name, publicKey);
    if (hex(id) !== hexId) throw new ProofError("the verifier key's id does not match its name and key");
    return { name, keyId: id, publicKey };
  }

  function parseNote(note) {
    if (/[\u0000-\u0009\u000b-\u001f]/.test(note)) throw new ProofError("a note contains no control characters but newline");
    if (!note.endsWith("\n")) throw new ProofError("a note ends with a newline");
    const split = note.lastIndexOf("\n\n");
    if (split < 0) throw new ProofError("a note separates its text from its signatures with a blank line");
    const text = note.slice(0, split) + "\n";
    const signatures = [];
    for (const line of note.slice(split + 2).replace(/\n$/, "").split("\n")) {
      const prefix = EM_DASH + " ";
      if (!line.startsWith(prefix)) throw new ProofError(`not a signature line: ${line.slice(0, 40)}`);
      const fields = line.slice(prefix.length).split(" ");
      const raw = fields.length === 2 ? fromBase64(fields[1]) : null;
      if (raw === null) throw new ProofError(`malformed signature line: ${line.slice(0, 40)}`);
      if (raw.length < 5) throw new ProofError("a signature holds a 4-byte key id and the signature");
      signatures.push({ name: fields[0], keyId: raw.slice(0, 4), signature: raw.slice(4) });
    }
    return { text, signatures };
  }

  function parseCheckpoint(text) {
    const lines = text.split("\n");
    if (lines.length < 4 || lines[lines.length - 1] !== "" || lines.slice(0, -1).some((l) => !l)) {
      throw new ProofError("a checkpoint's text is at least three non-empty lines");
    }
    const [origin, sizeText, rootText] = lines;
    if (!/^(0|[1-9][0-9]*)$/.test(sizeText) || Number(sizeText) > MAX_SAFE) {
      throw new ProofError(`tree size '${sizeText}' is not a decimal without leading zeroes`);
    }
    const root = fromBase64(rootText);
    if (root === null) throw new ProofError("the root hash is not base64");
    if (root.length !== 32) throw new ProofError("the root hash is 32 bytes");
    return { origin, size: Number(sizeText), root };
  }

  // docs/spec.md §23: S < L, A and R canonical (y < p) and not of small order, checked here; then
  // WebCrypto's cofactorless equation (Chromium's, like OpenSSL, accepts small-order A and R)
  const P25519 = (1n << 255n) - 19n;
  const L25519 = (1n << 252n) + 27742317777372353535851937790883648493n;
  const Y8 = 2707385501144840649318225287225658788936804267575313519463743609750303402022n;
  const SMALL_ORDER_Y = [0n, 1n, P25519 - 1n, Y8, P25519 - Y8];

  function littleEndian(bytes) {
    let n = 0n;
    for (let i = bytes.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i]);
    return n;
  }

  function pointAllowed(encoded) {
    const y = littleEndian(encoded) & ((1n << 255n) - 1n);
    return y < P25519 && !SMALL_ORDER_Y.includes(y);
  }

  async function ed25519Verify(publicKey, signature, message) {
    if (publicKey.length !== 32 || signature.length !== 64 || !pointAllowed(publicKey)
        || !pointAllowed(signature.slice(0, 32)) || littleEndian(signature.slice(32)) >= L25519) {
      return false;
    }
    let key;
    try {
      key = await crypto.subtle.importKey("raw", publicKey, { name: "Ed25519" }, false, ["verify"]);
    } catch (error) {
      return false;  // an encoding of A that does not decode (docs/spec.md §1)
    }
    try {
      return await crypto.subtle.verify({ name: "Ed25519" }, key, signature, message);
    } catch (error) {
      return false;
    }
  }

  /** The signature(s) of the trusted key verify over the note's text; others are ignored. */
  async function verifyNote(note, vkey) {
    const signed = typeof note === "string" ? parseNote(note) : note;
    const mine = signed.signatures.filter((s) => s.name === vkey.name && equal(s.keyId, vkey.keyId));
    if (!mine.length) throw new ProofError(`the note carries no signature by ${vkey.name}`);
    for (const s of mine) {
      if (!(await ed25519Verify(vkey.publicKey, s.signature, utf8(signed.text)))) {
        throw new ProofError(`the signature by ${vkey.name} does not verify`);
      }
    }
    return signed;
  }

  /** Parse a signed checkpoint and verify the log's signature (key name: the origin). */
  async function openCheckpoint(note, vkey) {
    const signed = parseNote(note);
    const checkpoint = parseCheckpoint(signed.text);
    const name = checkpoint.origin;  // as open_checkpoint does: the origin names the key
    await verifyNote(signed, { name, keyId: await keyId(name, vkey.publicKey), publicKey: vkey.publicKey });
    return checkpoint;
  }

  // --- event hashes (docs/spec.md §2, §6.2) ------------------------------------------------------
  /** RFC 8785 over the restricted domain of §2: ledger.js's canonical form (loaded before this
   *  script), its refusals reported as this checker's. */
  function canonical(value) {
    try {
      return DecisionLedger.canonical(value);
    } catch (error) {
      throw new ProofError(error.message);
    }
  }

  function hashInput(aggregateId, version, topic, state) {
    const body = {};
    for (const [k, v] of Object.entries(state)) if (k !== "hash") body[k] = v;
    return canonical({ aggregate_id: aggregateId, version, topic, state: body });
  }

  async function eventHash(aggregateId, version, topic, state) {
    return hex(await sha256(utf8(hashInput(aggregateId, version, topic, state))));
  }

  async function genesisHash(aggregateId) {
    return hex(await sha256(utf8(`decision-ledger/aggregate/v1\n${aggregateId}`)));
  }

  // --- the page ----------------------------------------------------------------------------------
  const STORE_PREFIX = "decision-ledger/checkpoint/";

  function short(h) { return h.length > 16 ? `${h.slice(0, 8)}…${h.slice(-8)}` : h; }

  function say(template, ...args) { return template.replace(/\{(\d+)\}/g, (_, i) => String(args[Number(i)])); }

  function readJson(id) {
    const node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  async function fetchText(url) {
    const response = await fetch(url, { credentials: "same-origin", cache: "no-store" });
    if (!response.ok) throw new ProofError(`${url}: HTTP ${response.status}`);
    return response.text();
  }

  async function fetchJson(url) { return JSON.parse(await fetchText(url)); }

  /** One step of the page: its line, a verdict (pass, fail, info) and the words that explain it. */
  function show(id, verdict, words, details) {
    const item = document.getElementById(id);
    item.dataset.verdict = verdict;
    item.classList.remove("pending", "pass", "fail", "info");
    item.classList.add(verdict);
    item.querySelector(".mark").textContent = { pass: "✓", fail: "✗", info: "ⓘ" }[verdict];
    item.querySelector(".words").textContent = words;
    const list = item.querySelector(".hashes");
    if (list) {
      list.replaceChildren();
      for (const [label, value] of details || []) {
        const row = document.createElement("li");
        const code = document.createElement("code");
        code.textContent = short(value);
        code.title = value;
        row.append(label + " ", code);
        list.append(row);
      }
    }
  }

  function hashes(list) { return list.map((h) => fromHex(h)); }

  async function runPage() {
    const W = readJson("proof-words");
    const cfg = readJson("proof-config");
    const stored = readJson("proof-stored");
    const problem = (error) => (error instanceof ProofError ? error.message : String(error));
    let proof, vkey, checkpoint;

    try {
      vkey = await parseVerifierKey(await fetchText("/v1/public/vkey"));
      proof = await fetchJson(`/v1/public/proofs/inclusion?event=${cfg.case_id}:${cfg.version}`);
    } catch (error) {
      for (const id of ["step-hash", "step-inclusion", "step-signature", "step-consistency"]) show(id, "fail", say(W.load_failed, problem(error)));
      return finish(W);
    }

    // 1. the event's hash, recomputed from the stored event as served (§6.2)
    try {
      if (!stored) {
        show("step-hash", "info", W.hash_not_served);
      } else {
        const computed = await eventHash(stored.aggregate_id, stored.version, stored.topic, stored.state);
        const details = [[W.computed, computed], [W.recorded, stored.state.hash], [W.in_log, proof.event_hash]];
        // the record served must be of the event this page checks: another event's, with its own
        // valid proof, would otherwise pass every step
        if (stored.aggregate_id !== cfg.case_id || stored.version !== cfg.version) {
          show("step-hash", "fail", say(W.hash_other_event, stored.aggregate_id, stored.version), details);
        } else if (computed !== stored.state.hash) show("step-hash", "fail", say(W.hash_differs, short(computed), short(stored.state.hash)), details);
        else if (computed !== proof.event_hash) show("step-hash", "fail", say(W.hash_not_logged, short(computed), short(proof.event_hash)), details);
        else show("step-hash", "pass", say(W.hash_ok, short(computed)), details);
      }
    } catch (error) {
      show("step-hash", "fail", say(W.hash_failed, problem(error)));
    }

    // 3 first (its root is what 2 leads to): the checkpoint's signature by the ledger key (§11)
    try {
      checkpoint = await openCheckpoint(proof.checkpoint, vkey);
      show("step-signature", "pass", say(W.signature_ok, vkey.name, hex(vkey.keyId), checkpoint.size, short(hex(checkpoint.root))),
        [[W.root, hex(checkpoint.root)], [W.vkey, `${vkey.name}+${hex(vkey.keyId)}`]]);
    } catch (error) {
      show("step-signature", "fail", say(W.signature_failed, vkey.name, problem(error)));
    }

    // 2. from the event's leaf to the log's root (RFC 9162 §2.1.3.2)
    try {
      if (!checkpoint) throw new ProofError(W.no_trusted_root);
      if (proof.tree_size !== checkpoint.size) throw new ProofError(say(W.size_mismatch, proof.tree_size, checkpoint.size));
      const leaf = await leafHash(fromHex(proof.event_hash));
      const path = hashes(proof.inclusion_path);
      await verifyInclusion(leaf, proof.leaf_index, checkpoint.size, path, checkpoint.root);
      show("step-inclusion", "pass", say(W.inclusion_ok, path.length, proof.leaf_index, checkpoint.size),
        [[W.leaf, hex(leaf)], ...proof.inclusion_path.map((h, i) => [say(W.path_item, i + 1), h])]);
    } catch (error) {
      show("step-inclusion", "fail", say(W.inclusion_failed, problem(error)));
    }

    // 4. consistency with the checkpoint this browser saw last, or one typed in (§2.1.4.2)
    const key = STORE_PREFIX + vkey.name;
    async function consistent(earlierNote, typed) {
      if (!checkpoint) { show("step-consistency", "fail", say(W.consistency_failed, W.no_trusted_root)); return; }
      try {
        const earlier = await openCheckpoint(earlierNote, vkey);
        if (earlier.size > checkpoint.size) throw new ProofError(say(W.earlier_larger, earlier.size, checkpoint.size));
        const answer = earlier.size === checkpoint.size
          ? { consistency_path: [] }
          : await fetchJson(`/v1/public/proofs/consistency?old=${earlier.size}&new=${checkpoint.size}`);
        const path = hashes(answer.consistency_path);
        await verifyConsistency(earlier.size, checkpoint.size, earlier.root, checkpoint.root, path);
        show("step-consistency", "pass", say(typed ? W.consistency_typed_ok : W.consistency_ok, earlier.size, checkpoint.size, path.length),
          [[W.old_root, hex(earlier.root)], [W.root, hex(checkpoint.root)], ...answer.consistency_path.map((h, i) => [say(W.path_item, i + 1), h])]);
        localStorage.setItem(key, proof.checkpoint);
      } catch (error) {
        show("step-consistency", "fail", say(W.consistency_failed, problem(error)));
      }
    }
    const remembered = localStorage.getItem(key);
    if (remembered) await consistent(remembered, false);
    else if (checkpoint) {
      localStorage.setItem(key, proof.checkpoint);
      show("step-consistency", "info", say(W.consistency_first, checkpoint.size));
    } else show("step-consistency", "fail", say(W.consistency_failed, W.no_trusted_root));

    const form = document.getElementById("earlier-form");
    if (form) {
      form.addEventListener("submit", async (event) => {
        event.preventDefault();
        let text = document.getElementById("earlier-note").value.replace(/\r\n/g, "\n");
        if (!text.endsWith("\n")) text += "\n";
        await consistent(text, true);
        finish(W);
      });
    }
    finish(W);
  }

  function finish(W) {
    const steps = Array.from(document.querySelectorAll("#proof-steps > li"));
    const failed = steps.filter((s) => s.dataset.verdict === "fail");
    const summary = document.getElementById("proof-summary");
    summary.dataset.verdict = failed.length ? "fail" : "pass";
    summary.className = failed.length ? "broken" : "ok";
    summary.textContent = failed.length
      ? say(W.summary_failed, failed.map((s) => s.querySelector(".step-name").textContent).join("、"))
      : W.summary_ok;
    document.body.dataset.proofsDone = "1";
  }

  global.DLProofs = {
    ProofError, hex, fromHex, fromBase64, sha256, leafHash, nodeHash, verifyInclusion, verifyConsistency,
    keyId, parseVerifierKey, parseNote, parseCheckpoint, verifyNote, openCheckpoint, canonical, hashInput,
    eventHash, genesisHash, runPage,
  };
  global.DLProofs.ed25519Verify = ed25519Verify;  // issue 20 — ed25519: the rule of §23, for its test
  if (typeof document !== "undefined" && document.getElementById("proof-config")) {
    document.addEventListener("DOMContentLoaded", () => { runPage(); });
  }
})(window);
