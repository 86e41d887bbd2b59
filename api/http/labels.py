"""The web pages' words, in Chinese (the default) and English: the regulations' own terms for
actions, phases, roles and rulings, and the pages' own labels."""

from __future__ import annotations

from domain.model.actions import ACTIONS
from domain.model.case import Phase
from domain.model.vocabulary import Role, Ruling
from domain.model.words import ACTION_WORDS, ROLE_WORDS

LANGUAGES = ("zh", "en")

ACTION_LABELS: dict[str, tuple[str, str]] = ACTION_WORDS
assert set(ACTION_LABELS) == set(ACTIONS), "every action needs a label"

PHASE_LABELS: dict[str, tuple[str, str]] = {
    Phase.PREPARATION: ("准备阶段", "preparation"),
    Phase.AWAITING_APPROVAL: ("待决定开展", "awaiting approval"),
    Phase.DECLINED: ("决定不开展", "declined"),
    Phase.IMPLEMENTATION: ("实施阶段", "implementation"),
    Phase.CONCLUSION: ("结论形成阶段", "conclusion"),
    Phase.REPORT_FINALISED: ("报告已形成", "report finalised"),
    Phase.JUSTICE_REVIEW_PASSED: ("合法性审核通过", "justice review passed"),
    Phase.REPORT_APPROVED: ("报告已审定", "report approved"),
    Phase.SUBMITTED: ("已提请审议", "submitted"),
    Phase.RULED: ("已作出决定", "ruled"),
    Phase.PUBLISHED: ("结果已公开", "published"),
}
assert set(PHASE_LABELS) == set(Phase), "every phase needs a label"

ROLE_LABELS: dict[str, tuple[str, str]] = ROLE_WORDS
assert set(ROLE_LABELS) == set(Role), "every role needs a label"

RULING_LABELS: dict[str, tuple[str, str]] = {
    Ruling.CONTINUE: ("继续实施", "continue"),
    Ruling.ADJUST: ("调整", "adjust"),
    Ruling.SUSPEND: ("中止", "suspend"),
    Ruling.TERMINATE: ("终止", "terminate"),
}

#: the parts of a case's state, in the order the pages show them
STATE_LABELS: dict[str, tuple[str, str]] = {
    "title": ("评估名称", "Title"),
    "jurisdiction": ("适用办法", "Text"),
    "lead_unit": ("承办单位", "Lead unit"),
    "phase": ("阶段", "Phase"),
    "procedure": ("程序", "Procedure"),
    "simplified_reason": ("适用简易程序的理由", "Why the simplified procedure"),
    "grounds": ("启动情形", "Grounds"),
    "ground_statement": ("启动理由", "Statement of grounds"),
    "scope": ("评估范围", "Scope"),
    "scope_parts": ("部分评估的内容", "Parts evaluated"),
    "opened": ("启动", "Opened"),
    "team": ("评估小组", "Team"),
    "plan": ("评估方案", "Plan"),
    "survey_plan": ("调查提纲", "Survey outline"),
    "approval": ("决定开展评估", "Approval"),
    "declined": ("决定不开展评估", "Declined"),
    "agencies": ("受委托评估机构", "Entrusted agencies"),
    "experts": ("外聘专家", "Experts"),
    "materials": ("信息资料", "Materials"),
    "activities": ("调查活动", "Surveys, forums, hearings, visits"),
    "opinions": ("意见", "Opinions"),
    "evidence_closed": ("证据收集结束", "Evidence closed"),
    "conclusions": ("初步结论", "Conclusions"),
    "drafts": ("报告稿", "Drafts"),
    "report": ("评估报告", "Report"),
    "justice_review": ("合法性审核", "Justice review"),
    "report_approval": ("县政府审定", "Report approval"),
    "submission": ("提请审议", "Submission"),
    "ruling": ("决定", "Ruling"),
    "publication": ("结果公开", "Publication"),
    "findings": ("问题", "Findings"),
}

#: the accountability procedure's terms (NX-16, XX-23, XX-18; 国令第713号第三十八条; 《公职人员政务处分法》第七条)
ACCOUNTABILITY_LABELS: dict[str, tuple[str, str]] = {
    "head": ("行政首长", "head of the organ"),
    "leader": ("负有责任的领导人员", "responsible leader"),
    "direct": ("直接责任人员", "directly responsible person"),
    "unit": ("有关单位", "unit"),
    "no_liability": ("不予追究", "no liability"),
    "reduced": ("减轻责任", "reduced liability"),
    "exempted": ("免除责任", "exempted"),
    "sanctioned": ("给予处分", "sanctioned"),
    "warning": ("警告", "warning"),
    "demerit": ("记过", "demerit"),
    "major_demerit": ("记大过", "major demerit"),
    "demotion": ("降级", "demotion"),
    "removal": ("撤职", "removal from post"),
    "expulsion": ("开除", "expulsion"),
    "circulated": ("通报", "circulated criticism"),
    "admonition": ("诫勉", "admonition"),
    "organisational": ("组织调整或者组织处理", "organisational adjustment or handling"),
    "recorded_dissent": ("在集体讨论中持不同意见并记录在案", "dissent recorded in the collective discussion"),
    "fault_tolerance": ("容错纠错", "fault tolerance"),
    "other": ("其他", "other"),
    "decision_fault": ("决策过错", "fault in the making of the decision"),
    "evaluation_misconduct": ("评估中的违规行为", "misconduct in an evaluation"),
    "serious_error": ("决策严重失误", "seriously wrong decision"),
    "undue_delay": ("久拖不决造成重大损失、恶劣影响", "undue delay causing major loss or grave adverse effect"),
    "procedure_not_followed": ("未按照规定履行决策程序", "decision procedure not followed"),
    "dereliction_in_procedure": ("履行决策程序时失职渎职", "dereliction in the decision procedure"),
    "falsification_in_procedure": ("履行决策程序时弄虚作假", "falsification in the decision procedure"),
}

UI: dict[str, tuple[str, str]] = {
    "app": ("重大行政决策后评估账本", "Decision Ledger"),
    "results": ("评估结果公开", "Published results"),
    "results_intro": ("依息县办法第十七条公开的评估结果；涉及国家秘密、商业秘密、个人隐私的内容不予公开。",
                      "Results published under XX-17; state secrets, commercial secrets and privacy withheld."),
    "no_results": ("尚无公开的评估结果。", "No results published yet."),
    "cases": ("评估案件", "Cases"),
    "case": ("案件", "Case"),
    "timeline": ("全过程记录", "Timeline"),
    "findings": ("问题", "Findings"),
    "deadlines": ("期限", "Deadlines"),
    "checkpoints": ("检查点", "Checkpoints"),
    "person": ("终身责任链", "Lifetime chain"),
    "signin": ("登录", "Sign in"),
    "signout": ("退出", "Sign out"),
    "signin_intro": (
        "本系统不保存口令。请用您自己的私钥签署一个短期令牌（JWT，EdDSA），粘贴到下面：",
        "There are no passwords. Sign a short-lived token (JWT, EdDSA) with your own key and paste it below:",
    ),
    "signin_howto": ("生成令牌：", "Make one with:"),
    "token": ("令牌", "Token"),
    "signin_link_as": ("此登录链接将以下列人员的身份登录：", "This sign-in link signs you in as"),
    "signin_link_not_you": ("如果这不是您本人，请关闭本页：登录链接只能由本人打开，他人发来的链接会让您以他人身份操作。",
                            ("If this is not you, close this page: a sign-in link is for its holder only, and a "
                             "link someone else sent would have you act under their name.")),
    "signin_link_confirm": ("以{}的身份登录", "Sign in as {}"),
    "signed_in_as": ("当前用户", "Signed in as"),
    "jurisdiction": ("适用办法", "Text"),
    "phase": ("阶段", "Phase"),
    "unit": ("承办单位", "Lead unit"),
    "title": ("名称", "Title"),
    "opened": ("启动时间", "Opened"),
    "updated": ("最近记录", "Last recorded"),
    "version": ("版本", "Version"),
    "filter": ("筛选", "Filter"),
    "all": ("全部", "all"),
    "previous": ("上一页", "previous"),
    "next": ("下一页", "next"),
    "recorded_at": ("记录时间", "Recorded"),
    "action": ("行为", "Action"),
    "signer": ("签署人", "Signed by"),
    "articles": ("依据条款", "Articles"),
    "verified": ("验证", "Verified"),
    "proof": ("包含证明", "Inclusion proof"),
    "details": ("内容", "Details"),
    "as_of": ("案件在此版本时的状态", "The case as it stood at this version"),
    "step_back": ("← 上一版本", "← previous version"),
    "step_forward": ("下一版本 →", "next version →"),
    "latest": ("最新", "latest"),
    "at_moment": ("查看某一时刻的状态", "As it stood at a moment"),
    "go": ("查看", "Show"),
    "this_event": ("本版本记录的行为", "The event recorded at this version"),
    "state": ("状态", "State"),
    "roles": ("角色", "Roles"),
    "keys": ("密钥", "Keys"),
    "acts": ("签署的行为", "Signed acts"),
    "dissent": ("记录在案的不同意见", "Recorded dissent"),
    "dissent_stated": ("在集体讨论中表示不同意", "stated disagreement in the collective discussion"),
    "transcribed_from": ("据档案转录，来源", "transcribed from the archive:"),
    "relief_ground": ("依照《重大行政决策程序暂行条例》第三十八条可减免责任",
                      "grounds reduced or no liability under Decree 713 Art. 38"),
    "open": ("未结", "open"),
    "closed": ("已结", "closed"),
    "rule": ("规则", "Rule"),
    "persons": ("涉及人员", "Persons"),
    "responsibility": ("责任", "Responsibility"),
    "raised_at": ("发现时间", "Raised"),
    "outcome": ("处理结果", "Outcome"),
    "due": ("到期日", "Due"),
    "status": ("状态", "Status"),
    "days": ("天数", "Days"),
    "article": ("条款", "Article"),
    "size": ("树大小", "Tree size"),
    "root": ("根哈希", "Root hash"),
    "signed_at": ("签署时间", "Signed"),
    "note": ("签名文本", "Signed note"),
    "vkey": ("账本验证公钥", "Ledger verifier key"),
    "ruling": ("决定", "Ruling"),
    "recommendation": ("报告建议", "Recommendation"),
    "summary": ("摘要", "Summary"),
    "published_at": ("公开时间", "Published"),
    "materials": ("公开的资料", "Public materials"),
    "withheld": ("不予公开的资料", "Materials withheld"),
    "decision": ("决策", "Decision"),
    "error": ("出错了", "Something went wrong"),
    "none": ("无", "none"),
    "ok": ("已验证", "verified"),
    "broken": ("验证失败", "does not verify"),
    "language": ("English", "中文"),
    "version_of": ("版本 {0} / {1}", "version {0} of {1}"),
    "events": ("条记录", "events"),
    # H2 accountability
    "procedures": ("责任追究程序", "Accountability procedures"),
    "steps": ("程序步骤", "Steps"),
    # issue 18 — publication channels (XX-17)
    "county_portal": ("县政府门户网站", "County government portal"),
    "unit_site": ("本单位网站", "The unit's website"),
    "website": ("网站", "Website"),
    "process_record_bound": ("正式形成的报告所载全过程记录摘要", "Process record bound by the finalised report"),
    "process_record_matches": ("与账本生成的一致", "matches the one the ledger generates"),
    "process_record_differs": ("与账本生成的不一致", "differs from the one the ledger generates"),
    "later_from": ("第{0}版起为报告形成后的操作", "the acts from version {0} on came after the report"),
}

# issue 19 — words: the pages' own words (api/http/labels_pages.py) and the error pages' words
from api.http.labels_pages import PAGE_WORDS

UI.update(PAGE_WORDS)


def word(table: dict[str, tuple[str, str]], key: str, lang: str) -> str:
    pair = table.get(key)
    if pair is None:
        return key
    return pair[0] if lang == "zh" else pair[1]
