"""The dossier's own words, in Chinese (the default) and English, and how it cites an article
and writes a time (北京时间, to the minute)."""

from __future__ import annotations

from datetime import datetime

from domain.model.articles import CATALOGUE, article_root
from domain.model.calendar import CHINA_STANDARD_TIME

#: the texts an article key belongs to, by the key's prefix (api/rulebook_tables.py names them too)
TEXTS: dict[str, tuple[str, str]] = {
    "NX": ("《宁夏回族自治区商务厅重大行政决策实施情况跟踪反馈与后评估办法（试行）》",
           "Ningxia Department of Commerce measures (NX)"),
    "XX": ("《息县重大行政决策实施情况跟踪反馈与后评估办法（试行）》", "Xi County measures (XX)"),
    "713": ("《重大行政决策程序暂行条例》", "Decree 713"),
}

WORDS: dict[str, tuple[str, str]] = {
    "dossier": ("卷宗", "Case dossier"),
    "cover_intro": ("重大行政决策实施情况跟踪反馈与后评估", "Tracking-feedback and post-evaluation of a major decision"),
    "decision": ("决策名称", "Decision"),
    "document_number": ("文号", "Document number"),
    "organ": ("决策机关", "Deciding organ"),
    "decided_on": ("决策作出日期", "Decided on"),
    "case": ("评估名称", "Evaluation"),
    "case_id": ("案件编号", "Case id"),
    "text": ("适用办法", "Text applied"),
    "lead_unit": ("承办单位", "Lead unit"),
    "phase": ("所处阶段", "Phase"),
    "procedure": ("程序", "Procedure"),
    "standard": ("一般程序", "standard"),
    "simplified": ("简易程序", "simplified"),
    "opened_at": ("启动时间", "Opened"),
    "approved_on": ("决定开展评估日期", "Evaluation approved on"),
    "finalised_at": ("报告正式形成时间", "Report finalised"),
    "ruled_at": ("决策机关作出决定时间", "Ruled"),
    "last_recorded": ("最近记录时间", "Last recorded"),
    "version": ("版本", "Version"),
    "checkpoint": ("本卷宗据以打印的检查点", "The checkpoint this dossier is printed under"),
    "no_checkpoint": ("账本尚未签署检查点：本卷宗所列事件无法对照检查点核验。",
                      "The ledger has signed no checkpoint yet: the events cannot be checked against one."),
    "tree_size": ("日志大小（事件数）", "Log size (events)"),
    "root": ("根哈希", "Root hash"),
    "signed_at": ("签署时间", "Signed"),
    "covers": ("本案全部事件均已纳入该检查点", "every event of this case is in this checkpoint"),
    "not_covered": ("本案第{0}版以后的事件尚未纳入该检查点", "the events after version {0} are not yet in it"),
    "printed_at": ("打印时间", "Printed"),
    "printed_for": ("阅读人", "Printed for"),
    "operator": ("运维人员（命令行，未获密级资料阅读授权）", "the operator (command line, cleared for no classified material)"),
    "report": ("评估报告", "The report"),
    "no_report": ("尚未正式形成评估报告。", "No report has been finalised."),
    "report_id": ("报告编号", "Report id"),
    "recommendation": ("报告建议", "Recommendation"),
    "report_digest": ("报告摘要值", "Report digest"),
    "sections": ("报告内容", "Sections"),
    "addressed": ("所回应的评估内容", "Evaluation content addressed"),
    "submission_note": ("提请审议说明", "Submission note"),
    "finalised_by": ("正式形成人", "Finalised by"),
    "process_record": ("全过程记录", "Whole-process record"),
    "through_version": ("报告所载记录截至版本", "The record the report binds runs to version"),
    "record_digest": ("全过程记录摘要值", "Process-record digest"),
    "binding_matches": ("正式形成的报告所签署的摘要与账本生成的一致", "the digest the finalised report signed matches the ledger's"),
    "binding_differs": ("正式形成的报告所签署的摘要与账本生成的不一致", "the digest the finalised report signed differs from the ledger's"),
    "unbound": ("尚无正式形成的报告；正式形成时须签署上列摘要值", "no report is finalised: a finalisation now must sign this digest"),
    "later_from": ("第{0}版起为报告形成后的行为", "the acts from version {0} on came after the report"),
    "record_is_events": ("全过程记录的每一项即下文“事件”一节中对应版本的事件。",
                         "Each entry of the record is the event of the same version in the section Events below."),
    "findings": ("发现的问题与处理", "Findings and their outcome"),
    "no_findings": ("本案未发现问题。", "No finding was raised."),
    "finding_rule": ("规则", "Rule"),
    "finding_inspector": ("纪检监察认定", "Inspector's finding"),
    "persons": ("涉及人员", "Persons"),
    "open": ("未结", "open"),
    "closed": ("已结", "closed"),
    "cites": ("所依据条款", "Articles"),
    "ruling": ("决策机关的决定", "The ruling"),
    "no_ruling": ("决策机关尚未作出决定。", "No ruling yet."),
    "meeting": ("会议", "Meeting"),
    "measures": ("避免或减少损失的措施", "Measures to avoid or reduce losses"),
    "materials": ("信息资料", "Materials"),
    "material_title": ("资料名称与来源", "Title and source"),
    "classification": ("密级", "Classification"),
    "stance": ("立场", "Stance"),
    "excluded": ("已剔除", "excluded"),
    "no_materials": ("未收集信息资料。", "No material was collected."),
    "withheld_note": ("按密级隐去的资料只列其存在与密级（NX-15、XX-22）。",
                      "Materials withheld by classification show only that they exist and their level (NX-15, XX-22)."),
    "events": ("事件", "Events"),
    "events_intro": (("每一事件四行：版本、行为、签署人，✓ 表示其哈希、哈希链与签名均验证通过；签署与记录时间、依据条款；"
                     "签署人的密钥指纹；事件哈希。右侧二维码的内容即事件哈希。"),
                     ("Each event in four lines: version, action, signer, and ✓ where its hash, chain link and "
                      "signature verify; signing and recording time, articles; the signer's key fingerprint; the "
                      "event hash. The QR code on the right holds the event hash.")),
    "recorded": ("记录", "recorded"),
    "articles_of": ("所列条款出自", "Articles cited are of the "),
    "beijing": ("表中时间均为北京时间。", "Times are Beijing time (UTC+8)."),
    "signed": ("签署", "signed"),
    "fingerprint": ("密钥指纹", "Key fingerprint"),
    "verified": ("签名与哈希链验证通过", "signature and hash chain verify"),
    "broken": ("验证失败", "does not verify"),
    "later": ("报告形成后", "after the report"),
    "keys": ("签署人密钥指纹", "Signers' key fingerprints"),
    "keys_intro": ("密钥指纹为公钥的 RFC 7638 指纹（SHA-256，base64url），即签名所载 keyid。",
                   "A fingerprint is the key's RFC 7638 thumbprint (SHA-256, base64url): the keyid a signature names."),
    "signer": ("签署人", "Signer"),
    "unit": ("所在单位", "Unit"),
    "active_from": ("启用", "Active from"),
    "active_until": ("停用", "Until"),
    "still_active": ("仍有效", "active"),
    "pending": ("待确认", "pending"),
    "page": ("第 {0} 页", "page {0}"),
    "none": ("无", "none"),
}

CLASSIFICATIONS: dict[str, tuple[str, str]] = {
    "none": ("非涉密", "not classified"),
    "work_secret": ("工作秘密", "work secret"),
    "commercial_secret": ("商业秘密", "commercial secret"),
    "personal_privacy": ("个人隐私", "personal privacy"),
    "state_secret": ("国家秘密", "state secret"),
}

STANCES: dict[str, tuple[str, str]] = {
    "supporting": ("支持", "supporting"),
    "opposing": ("反对", "opposing"),
    "neutral": ("中立", "neutral"),
    "mixed": ("兼有", "mixed"),
}

BODIES: dict[str, tuple[str, str]] = {
    "party_group_meeting": ("厅党组会议", "party group meeting"),
    "office_meeting": ("厅务会议", "office meeting"),
    "special_meeting": ("厅专题会议", "special meeting"),
    "county_government": ("县政府", "county government"),
    "county_standing_meeting": ("县政府常务会议", "county standing meeting"),
    "county_plenary_meeting": ("县政府全体会议", "county plenary meeting"),
}

_DIGITS = "零一二三四五六七八九"
_TWICE = {"a": "（第一个）", "b": "（第二个）"}  # NX numbers 第十二条 twice (docs/rulebooks.md)


def word(table: dict[str, tuple[str, str]], key: str, lang: str) -> str:
    pair = table.get(key)
    if pair is None:
        return key
    return pair[0] if lang == "zh" else pair[1]


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 27 → 二十七, 40 → 四十 (articles run below a hundred)."""
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else "十" if tens == 1 else _DIGITS[tens] + "十"
    return head + (_DIGITS[ones] if ones else "") if n else _DIGITS[0]


def _cited(key: str) -> tuple[str, str, str] | None:
    """``NX-10(4)`` → (the text's title, 第十条第（四）项, the article's title); None if not a known key."""
    root = article_root(key)
    prefix, _, number = root.partition("-")
    if prefix not in TEXTS or not number.rstrip("ab").isdigit():
        return None
    suffix = _TWICE.get(number[-1], "") if number[-1].isalpha() else ""
    cited = f"第{chinese_number(int(number.rstrip('ab')))}条{suffix}"
    item = key[len(root):]
    if item.startswith("(") and item.endswith(")") and item[1:-1].isdigit():
        cited += f"第（{chinese_number(int(item[1:-1]))}）项"
    title = CATALOGUE[root].title if root in CATALOGUE else ""
    return TEXTS[prefix][0], cited, title


def citation(key: str, lang: str = "zh") -> str:
    """An article key as the dossier cites it: ``NX-10(4)`` → 《…办法（试行）》第十条第（四）项（评估程序）;
    in English the key and the catalogue's title."""
    parts = _cited(key)
    if parts is None:
        return key
    text, cited, title = parts
    if lang != "zh":
        return f"{key} {title}".strip()
    return f"{text}{cited}" + (f"（{title}）" if title else "")


def short_citation(key: str, lang: str = "zh") -> str:
    """An article without its text's title (a table names the text once): ``NX-10(4)`` → 第十条第（四）项."""
    parts = _cited(key)
    if parts is None or lang != "zh":
        return key
    return ("国令第713号" if key.startswith("713-") else "") + parts[1]


def china_time(moment: datetime | str | None, lang: str = "zh", *, short: bool = False) -> str:
    """A time in Beijing time to the minute: 2026年12月06日 19:56（北京时间）; ``short``:
    2026-12-06 19:56 (where the page says once that times are Beijing time)."""
    if moment is None or moment == "":
        return ""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    local = moment.astimezone(CHINA_STANDARD_TIME)
    if short:
        return local.strftime("%Y-%m-%d %H:%M")
    if lang == "zh":
        return local.strftime("%Y年%m月%d日 %H:%M") + "（北京时间）"
    return local.strftime("%Y-%m-%d %H:%M") + " (Beijing)"
