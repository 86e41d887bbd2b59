"""The regulations' own words for the actions and roles, in Chinese and English: what a person is
told when an action is not theirs to take (:class:`domain.errors.NotPermitted`, built by
:func:`domain.service.judging.Judge.authorise`), and the words the pages show (``api.http.labels``
takes them from here; domain imports no api code).
"""

from __future__ import annotations

from collections.abc import Iterable

from domain.model.vocabulary import Role

#: the two texts as a Chinese reader names them (宁夏商务厅办法第二条, 息县办法第二条)
TEXT_WORDS = {"NX": "宁夏商务厅办法", "XX": "息县办法"}

ACTION_WORDS: dict[str, tuple[str, str]] = {
    "principal.register": ("登记人员", "register a person"),
    "principal.grant_role": ("授予角色", "grant a role"),
    "principal.revoke_role": ("撤销角色", "revoke a role"),
    "principal.add_key": ("添加密钥", "add a key"),
    "principal.rotate_key": ("轮换密钥", "rotate a key"),
    "principal.revoke_key": ("吊销密钥", "revoke a key"),
    "principal.transfer": ("人员调动", "transfer a person to another organisation"),
    # H3 lifetime
    "principal.retire": ("人员退休或离职", "record that a person retired or left"),
    "principal.rename": ("人员更名", "record a person's change of name"),
    "organisation.register": ("登记单位", "register an organisation"),
    "organisation.name_text": ("写明单位适用的办法", "name the text an organisation falls under"),
    "principal.confirm_key": ("确认密钥", "confirm a pending key"),
    "principal.rotate_ledger_key": ("轮换账本密钥", "propose the ledger's next key"),
    "agency.register": ("登记评估机构", "register an agency"),
    "agency.record_qualification": ("记录机构资质", "record an agency's qualification"),
    "agency.record_bad_credit": ("纳入不良信用记录", "record bad credit"),
    "case.confirm_decision_fault": ("确认决策过错", "confirm a fault in the making of the decision"),
    "agency.revoke_eligibility": ("取消评估资格（受委托机构）", "revoke an agency's eligibility to evaluate"),
    "principal.revoke_eligibility": ("取消评估资格（专家）", "revoke an expert's eligibility to evaluate"),
    "agency.criticise": ("通报批评、责令限期整改（受委托机构）", "criticise an agency and order it to rectify by a deadline"),
    "principal.criticise": ("通报批评、责令限期整改（专家）", "criticise an expert and order them to rectify by a deadline"),
    "agency.record_rectification": ("整改完成（受委托机构）", "record an agency's rectification"),
    "principal.record_rectification": ("整改完成（专家）", "record an expert's rectification"),
    # H3 credit
    "credit.propose": ("提请纳入不良信用记录", "propose a bad-credit record"),
    "credit.decide": ("信用主管部门决定", "decide on a bad-credit proposal"),
    "credit.repair": ("信用修复", "repair credit"),
    "decision.register": ("登记重大行政决策", "register a major decision"),
    "decision.record_demonstrators": ("记录决策前论证者", "record the pre-decision demonstrators"),
    "decision.record_superior_evaluation": ("记录上级评估", "record a superior's evaluation"),
    # H1 making
    "decision.record_undertaking": ("记录决策承办单位与起草人", "record the undertaking unit and drafter"),
    "decision.record_participation": ("记录公众参与或风险评估", "record public participation or risk assessment"),
    "decision.record_legality_review": ("记录合法性审查", "record the legality review"),
    "decision.convene_discussion": ("召开集体讨论", "convene the collective discussion"),
    "decision.state_opinion": ("发表意见", "state one's opinion in the discussion"),
    "decision.decide": ("行政首长作出决定", "the head decides"),
    "decision.record_publication": ("记录决策公布", "record the publication"),
    "decision.transcribe_making": ("转录决策过程", "transcribe the making from the archive"),
    "case.open": ("启动评估", "open an evaluation"),
    "case.form_team": ("成立评估小组", "form the team"),
    "case.submit_plan": ("制定评估方案", "submit the plan"),
    "case.prepare_survey": ("制定调查提纲", "prepare the survey outline"),
    "case.approve_evaluation": ("决定开展评估", "approve the evaluation"),
    "case.decline_evaluation": ("决定不开展评估", "decline the evaluation"),
    "case.entrust_agency": ("委托第三方评估", "entrust an agency"),
    "case.engage_expert": ("外聘专家", "engage an expert"),
    "case.hand_over_work": ("转交委托事项", "hand over entrusted work"),
    "case.collect_material": ("收集信息资料", "collect a material"),
    "case.exclude_material": ("剔除资料", "exclude a material"),
    "case.record_shredding": ("依法销毁资料密钥", "shred a sealed material"),
    "case.conduct_survey": ("问卷调查", "conduct a survey"),
    "case.hold_forum": ("召开座谈会", "hold a forum"),
    "case.hold_hearing": ("召开论证会", "hold a hearing"),
    "case.visit_site": ("实地调研", "visit a site"),
    "case.solicit_opinions": ("征求意见", "solicit opinions"),
    "case.record_opinion": ("记录意见", "record an opinion"),
    "case.close_evidence": ("证据收集结束", "close the evidence"),
    "case.draw_conclusion": ("得出初步结论", "draw a conclusion"),
    "case.draft_report": ("起草评估报告", "draft the report"),
    "case.give_expert_opinion": ("专家论证意见", "give an expert opinion"),
    "case.finalise_report": ("正式形成评估报告", "finalise the report"),
    "case.pass_justice_review": ("合法性审核通过", "pass justice review"),
    "case.return_justice_review": ("合法性审核退回", "return from justice review"),
    "case.approve_report": ("县政府审定报告", "approve the report"),
    "case.submit_report": ("提请决策机关审议", "submit the report"),
    "case.record_ruling": ("决策机关作出决定", "record the ruling"),
    "case.publish_results": ("公开评估结果", "publish the results"),
    "case.find_misconduct": ("纪检监察认定", "find misconduct"),
    "case.raise_finding": ("规则发现问题", "a rule raised a finding"),
    "case.close_finding": ("问题结案", "close a finding"),
    # H2 accountability: the procedure of 责任追究
    "accountability.open": ("责任追究立案", "open an accountability procedure"),
    "accountability.investigate": ("调查", "investigate"),
    "accountability.notify": ("告知", "tell the subject the facts and intended handling"),
    "accountability.state_defence": ("陈述申辩", "state a defence"),
    "accountability.decide": ("作出处理决定", "decide"),
    "accountability.appeal": ("申诉", "appeal"),
    "accountability.review": ("复核", "review an appeal"),
    # issue 18 — deadlines on the official calendar
    "holiday_notice.adopt": ("采用节假日安排通知", "adopt a year's holiday notice"),
    "holiday_notice.confirm": ("确认节假日安排通知", "confirm a year's holiday notice"),
    # issue 18 — duty to supply (XX-6)
    "case.request_materials": ("请求有关单位提供材料", "request materials from a related unit"),
    "case.answer_request": ("有关单位提供材料并说明问题", "a related unit supplies materials and states problems"),
    "case.refuse_request": ("有关单位拒绝提供材料", "a related unit refuses to supply materials"),
    "case.coordinate_supply": ("县政府办公室协调", "the county government office coordinates"),
    # issue 18 — evidence (NX-9, XX-7)
    "case.record_interim_finding": ("记录阶段性发现", "record an interim finding"),
    "case.confirm_stance": ("核实资料立场", "confirm a material's stance"),
}
ROLE_WORDS: dict[str, tuple[str, str]] = {
    Role.ADMINISTRATOR: ("系统管理员", "administrator"),
    Role.LEAD_UNIT: ("承办单位", "lead unit"),
    Role.AGENCY_STAFF: ("受委托机构人员", "agency staff"),
    Role.EXPERT: ("专家", "expert"),
    Role.DECISION_ORGAN: ("决策机关", "decision organ"),
    Role.JUSTICE_REVIEWER: ("司法行政部门", "justice reviewer"),
    Role.GOVERNMENT_OFFICE: ("政府办公室", "government office"),
    Role.DISCIPLINE_INSPECTOR: ("纪检监察", "discipline inspector"),
    Role.CREDIT_AUTHORITY: ("信用主管部门", "credit department"),  # H3 credit
    Role.LEDGER: ("账本", "the ledger"),
}


def role_words(roles: Iterable[Role | str]) -> tuple[str, str]:
    """The roles named in Chinese (joined by 、) and in English (joined by "or")."""
    words = [ROLE_WORDS.get(str(role), (str(role), str(role))) for role in sorted(str(role) for role in roles)]
    return "、".join(zh for zh, _ in words), " or ".join(en for _, en in words)


def action_words(action: str) -> tuple[str, str]:
    """The action's name in Chinese and English (its key, where it has no words)."""
    return ACTION_WORDS.get(action, (action, action))
