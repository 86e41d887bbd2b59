"""The words of the proof page (issue 19 point 4), Chinese and English: what the browser checks,
step by step, and what each result means. ``{0}``… are filled in by ``static/proofs.js``."""

from __future__ import annotations

from api.http.labels import word

WORDS: dict[str, tuple[str, str]] = {
    "title": ("事件证明：版本 {0}", "Proof of an event: version {0}"),
    "intro": (("本页面在您的浏览器中独立核验该事件，不依赖服务器的验证结果：浏览器自行计算哈希（SHA-256）、"
              "自行核验账本密钥的签名（Ed25519），所用格式见规范（docs/spec.md 第6、10、11节）。"),
              ("This page checks the event in your browser, independently of the server's own check: the browser "
              "computes the hashes (SHA-256) and verifies the ledger key's signature (Ed25519) itself, by the "
              "formats of the specification (docs/spec.md §6, §10, §11).")),
    "event_of": ("案件「{0}」第 {1} 版：{2}，签名人 {3}", "Case “{0}”, version {1}: {2}, signed by {3}"),
    "back": ("返回案件", "Back to the case"),
    "step_hash": ("事件哈希", "The event's hash"),
    "step_inclusion": ("包含证明", "Inclusion proof"),
    "step_signature": ("检查点签名", "Checkpoint signature"),
    "step_consistency": ("日志一致性", "Consistency of the log"),
    "checking": ("正在核验…", "checking…"),
    "details": ("显示哈希", "Show the hashes"),
    "earlier": ("与另一检查点核对（例如公告中刊登的检查点）", "Check against another checkpoint (one published elsewhere, say)"),
    "earlier_help": ("粘贴一个已签名的检查点全文（三行正文、空行、签名行）", "Paste a whole signed checkpoint (three lines, a blank line, the signature line)"),
    "earlier_check": ("核对一致性", "Check consistency"),
    "noscript": ("本页面需要 JavaScript 才能在浏览器中核验。", "This page needs JavaScript to verify in the browser."),
    # filled in by proofs.js
    "load_failed": ("无法取得证明数据：{0}", "The proof could not be loaded: {0}"),
    "hash_not_served": ("本事件含有您无权查看的内容，浏览器无法重新计算其哈希；以下各步仍核验该哈希已记入日志。",
                        ("This event holds content you may not read, so the browser cannot recompute its hash; the "
                        "steps below still check that its hash is in the log.")),
    "hash_ok": ("本事件的哈希 {0} 已由浏览器根据记录内容重新计算（RFC 8785 规范化后取 SHA-256），并与记录一致",
                ("The event's hash {0} was recomputed in the browser from the stored event (SHA-256 of its RFC 8785 "
                "form) and matches the record")),
    "hash_differs": ("重新计算的哈希 {0} 与记录的哈希 {1} 不一致：记录内容已被改动",
                     "The recomputed hash {0} differs from the recorded hash {1}: the stored event was changed"),
    "hash_not_logged": ("重新计算的哈希 {0} 与日志中的哈希 {1} 不一致", "The recomputed hash {0} differs from the hash in the log {1}"),
    "hash_other_event": ("服务器提供的是另一事件（{0} 第 {1} 版）的记录，而不是本页所查的事件：不能据此核验本事件",
                         ("The server sent the record of another event ({0}, version {1}), not of the event this page "
                          "checks: it proves nothing about this one")),
    "hash_failed": ("无法重新计算事件哈希：{0}", "The event's hash could not be recomputed: {0}"),
    "inclusion_ok": ("从该事件到日志根的 {0} 个哈希已逐级计算（叶序号 {1}，日志大小 {2}），得到的根与检查点的根一致：该事件确在日志之中",
                     ("The {0} hashes from the event up to the log's root were combined (leaf {1} of a log of {2}) and "
                     "lead to the checkpoint's root: the event is in the log")),
    "inclusion_failed": ("包含证明未通过：{0}", "The inclusion proof fails: {0}"),
    "size_mismatch": ("证明的日志大小 {0} 与检查点的大小 {1} 不同", "the proof's tree size {0} differs from the checkpoint's {1}"),
    "no_trusted_root": ("没有经签名核验的日志根", "no root with a verified signature"),
    "signature_ok": ("日志根由账本密钥 {0}（密钥标识 {1}）签名，签名有效：检查点（大小 {2}，根 {3}）确由账本发布",
                     ("The log's root is signed by the ledger key {0} (key id {1}) and the signature is valid: the "
                     "checkpoint (size {2}, root {3}) was published by the ledger")),
    "signature_failed": ("检查点的签名未通过核验（账本密钥 {0}）：{1}", "The checkpoint's signature fails (ledger key {0}): {1}"),
    "consistency_first": ("这是本浏览器第一次看到该账本的检查点；已记住本检查点（大小 {0}），下次访问时将核验日志只增不改",
                          ("This browser sees the ledger's checkpoint for the first time; it remembers this one (size "
                          "{0}) and will check next time that the log only grew")),
    "consistency_ok": ("本检查点与您上次看到的检查点（大小 {0}）一致：日志从大小 {0} 增长到 {1}，其间未改动任何记录（{2} 个哈希）",
                       ("This checkpoint is consistent with the one you saw last (size {0}): the log grew from {0} to "
                       "{1} without changing any record ({2} hashes)")),
    "consistency_typed_ok": ("本检查点与您输入的检查点（大小 {0}）一致：日志从大小 {0} 增长到 {1}，其间未改动任何记录（{2} 个哈希）",
                             ("This checkpoint is consistent with the one you entered (size {0}): the log grew from {0} "
                             "to {1} without changing any record ({2} hashes)")),
    "consistency_failed": ("一致性核验未通过：{0}", "The consistency check fails: {0}"),
    "earlier_larger": ("先前的检查点（大小 {0}）比当前的（大小 {1}）还大：日志不应缩小",
                       "the earlier checkpoint (size {0}) is larger than the current one (size {1}): a log never shrinks"),
    "computed": ("重新计算", "recomputed"),
    "recorded": ("记录的", "recorded"),
    "in_log": ("日志中的", "in the log"),
    "leaf": ("叶哈希", "leaf hash"),
    "path_item": ("第 {0} 个", "#{0}"),
    "root": ("日志根", "log root"),
    "old_root": ("先前的日志根", "earlier root"),
    "vkey": ("验证密钥", "verifier key"),
    "summary_ok": ("全部核验通过", "Every check passes"),
    "summary_failed": ("核验未通过：{0}", "Not verified: {0}"),
}

#: The words the case and person pages use (their cells and buttons).
CASE_WORDS: dict[str, tuple[str, str]] = {
    "server_checked": (("服务器已核验：事件哈希与内容一致（规范第6.2节）；与上一版本的哈希链相连；签名人的密钥在记录时有效；"
                       "签名有效（第4节）。点击“包含证明”可在浏览器中自行核验。"),
                       ("The server checked: the event's hash matches its content (spec §6.2); it links to the "
                       "previous version's hash; the signer's key was valid when it was recorded; the signature is "
                       "valid (§4). Follow “Inclusion proof” to check it in your browser.")),
    "server_failed": ("服务器核验未通过：{0}", "The server's check fails: {0}"),
    "hash": ("事件哈希", "hash"),
    "chain": ("哈希链", "chain"),
    "key": ("签名密钥", "key"),
    "signature": ("签名", "signature"),
    "check_in_browser": ("在浏览器中核验", "check in the browser"),
    "download_bundle": ("下载证据包", "Download the evidence bundle"),
}


def words(lang: str) -> dict[str, str]:
    """Every word of the proof page in one language (for the page and its script)."""
    return {key: word(WORDS, key, lang) for key in WORDS}


def case_word(key: str, lang: str) -> str:
    return word(CASE_WORDS, key, lang)
