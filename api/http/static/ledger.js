/*
 * Decision Ledger in the browser: a person's keys and signatures, in the formats of docs/spec.md.
 *
 * - Keys are WebCrypto Ed25519 key pairs made non-extractable: the private key never leaves the
 *   browser (not even to this script as bytes); the pair is kept in IndexedDB (database
 *   "decision-ledger", object store "keys", one record per principal: {principal_id, keyid, name,
 *   ledger_id, jwk, privateKey, publicKey, created_at}).
 * - canonical(): RFC 8785 canonical JSON for the values intents hold (spec §2).
 * - keyid(): the RFC 7638 thumbprint of the public JWK (spec §3).
 * - newIntent() / signIntent(): an intent and its DSSE envelope (spec §4).
 * - keyProof(): the proof of possession that enrols a key (spec §7.1).
 * - signStatement(): any other statement signed as PAE(type, JCS(statement)) (e.g. sign-in).
 *
 * Every function that signs takes a stored record and signs with its privateKey; nothing here
 * sends anything anywhere: pages post the envelope themselves.
 */
"use strict";

const DecisionLedger = (() => {
  const DB = "decision-ledger";
  const STORE = "keys";
  const INTENT_TYPE = "application/vnd.decision-ledger.intent+json";
  const PROOF_TYPE = "application/vnd.decision-ledger.key-proof+json";
  const ED25519 = { name: "Ed25519" };
  const utf8 = new TextEncoder();

  // --- encodings (spec §1) -------------------------------------------------------------------
  function base64(bytes) {
    let text = "";
    for (const b of new Uint8Array(bytes)) text += String.fromCharCode(b);
    return btoa(text);
  }
  function base64url(bytes) {
    return base64(bytes).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }
  function fromBase64(text) {
    return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
  }

  // --- canonical JSON (spec §2; RFC 8785) -------------------------------------------------------
  const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?:[^\ud800-\udbff]|^)[\udc00-\udfff]/;

  /** RFC 8785 over the restricted domain of spec §2: integers only, string keys, depth ≤ 64, no
   *  lone surrogate. The one canonical form of the pages: signing (here) and checking (proofs.js). */
  function canonical(value, depth = 0) {
    if (value === null || typeof value === "boolean") return JSON.stringify(value);
    if (typeof value === "string") {
      if (LONE_SURROGATE.test(value)) throw new Error("a lone surrogate has no canonical form");
      return JSON.stringify(value); // ES string serialisation is RFC 8785's
    }
    if (typeof value === "number") {
      if (!Number.isSafeInteger(value)) throw new Error("a number is an integer within ±(2^53−1)");
      return String(value);
    }
    if (typeof value !== "object") throw new Error("canonical JSON cannot hold a " + typeof value);
    if (depth >= 64) throw new Error("nesting deeper than 64 levels");
    if (Array.isArray(value)) return "[" + value.map((v) => canonical(v, depth + 1)).join(",") + "]";
    const keys = Object.keys(value).filter((k) => value[k] !== undefined).sort(); // UTF-16 code units
    return "{" + keys.map((k) => canonical(k) + ":" + canonical(value[k], depth + 1)).join(",") + "}";
  }

  function pae(type, payload) {
    const kind = utf8.encode(type);
    const head = utf8.encode(`DSSEv1 ${kind.length} ${type} ${payload.length} `);
    const out = new Uint8Array(head.length + payload.length);
    out.set(head);
    out.set(payload, head.length);
    return out;
  }

  async function sha256(bytes) {
    return new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  }

  // --- keys (spec §3) ---------------------------------------------------------------------------
  async function keyid(jwk) {
    return base64url(await sha256(utf8.encode(canonical({ crv: "Ed25519", kty: "OKP", x: jwk.x }))));
  }

  /** A new key pair whose private half cannot be exported, with its public JWK and key id. */
  async function generateKey() {
    const pair = await crypto.subtle.generateKey(ED25519, false, ["sign", "verify"]);
    const exported = await crypto.subtle.exportKey("jwk", pair.publicKey);
    const jwk = { crv: "Ed25519", kty: "OKP", x: exported.x };
    return { privateKey: pair.privateKey, publicKey: pair.publicKey, jwk, keyid: await keyid(jwk) };
  }

  /** "Ab3d 9fK2 …": the first 16 characters of a key id in groups of four, for people to compare. */
  function fingerprint(id) {
    return (id.slice(0, 16).match(/.{1,4}/g) || []).join(" ");
  }

  // --- the key store (IndexedDB) ------------------------------------------------------------------
  function open() {
    return new Promise((resolve, reject) => {
      const request = indexedDB.open(DB, 1);
      request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: "principal_id" });
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }
  async function transact(mode, work) {
    const db = await open();
    try {
      return await new Promise((resolve, reject) => {
        const tx = db.transaction(STORE, mode);
        const request = work(tx.objectStore(STORE));
        tx.oncomplete = () => resolve(request ? request.result : undefined);
        tx.onerror = () => reject(tx.error);
        tx.onabort = () => reject(tx.error);
      });
    } finally {
      db.close();
    }
  }
  /** Keep a key (CryptoKey objects are stored as they are: structured clone keeps them non-extractable). */
  function saveKey(record) {
    return transact("readwrite", (store) => store.put({ created_at: new Date().toISOString(), ...record }));
  }
  function loadKey(principalId) {
    return transact("readonly", (store) => store.get(principalId));
  }
  function listKeys() {
    return transact("readonly", (store) => store.getAll());
  }
  function deleteKey(principalId) {
    return transact("readwrite", (store) => store.delete(principalId));
  }

  // --- signatures (spec §4, §7.1) -----------------------------------------------------------------
  async function signBytes(record, bytes) {
    return new Uint8Array(await crypto.subtle.sign(ED25519, record.privateKey, bytes));
  }

  /** base64 of the signature over PAE(type, JCS(statement)). */
  async function signStatement(record, type, statement) {
    return base64(await signBytes(record, pae(type, utf8.encode(canonical(statement)))));
  }

  /** The proof of possession of ``record``'s key for its enrolment to a principal on a ledger (§7.1). */
  function keyProof(record, ledgerId, principalId) {
    const statement = { keyid: record.keyid, ledger: ledgerId, principal: principalId,
                        purpose: "decision-ledger/key-proof/v1" };
    return signStatement(record, PROOF_TYPE, statement);
  }

  /** A time as spec §1 spells it: UTC, six fractional digits. */
  function time(date) {
    return date.toISOString().replace(/\.(\d{3})Z$/, ".$1000Z");
  }

  function nonce() {
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  /** An intent (spec §4): what the person asks for, before signing. */
  function newIntent(actor, action, target, expectedVersion, args, signedAt) {
    return { type: "decision-ledger/intent/v1", action, actor, target, expected_version: expectedVersion,
             args, signed_at: time(signedAt || new Date()), nonce: nonce() };
  }

  /** The DSSE envelope of an intent signed with ``record``'s key: exactly the bytes shown are signed. */
  async function signIntent(record, intent) {
    const payload = utf8.encode(canonical(intent));
    const sig = await signBytes(record, pae(INTENT_TYPE, payload));
    return { payload: base64(payload), payloadType: INTENT_TYPE,
             signatures: [{ keyid: record.keyid, sig: base64(sig) }] };
  }

  return { base64, base64url, fromBase64, canonical, pae, sha256, keyid, generateKey, fingerprint,
           saveKey, loadKey, listKeys, deleteKey, signStatement, keyProof, time, newIntent, signIntent };
})();
