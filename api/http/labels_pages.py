"""The pages' own words added by issue 19 (words): titles, headings and sentences in Chinese and
English, merged into :data:`api.http.labels.UI` (a module of its own, so the shared one stays small)."""

from __future__ import annotations

PAGE_WORDS: dict[str, tuple[str, str]] = {
    "trace": ("责任倒查", "Reverse tracing"),
    "colon": ("：", ": "),
    "at_time": ("时刻（可选，北京时间）", "time (optional, China time)"),
    "at_moment_help": ("只选日期时，显示该日北京时间结束时的状态。",
                       "A date alone shows the case as it stood at the end of that day, China time."),
    "go_back": ("返回上一页", "Go back"),
    "unnamed": ("（未登记名称）", "(no name recorded)"),
    "record": ("人员、机构或单位的记录", "a directory record"),
    "pages": ("分页", "Pages"),
    "page_of": ("第 {0} 页，共 {1} 页", "page {0} of {1}"),
    "deadlines_intro": (
        ("宁夏商务厅办法规定的期限：评估工作自确定的评估开始之日起90日内完成（第十一条），评估工作完成之日起15日内提请厅决策机关审议（第十二条）。"
        "期限按日计算，最后一日遇法定节假日顺延至节假日后的第一个工作日。"),
        ("The Ningxia measures' deadlines: the evaluation within 90 days of its set start (Art. 11), the report to the "
        "decision organ within 15 days of being finalised (Art. 12). Days are counted on the calendar; a last day "
        "falling on a public holiday moves to the first working day after it.")),
    "deadline_what": ("期限要求", "What is due"),
    "counted_on": ("按日历日计算，遇法定节假日顺延（国务院办公厅节假日安排通知）",
                   "calendar days; a last day on a public holiday moves to the next working day (State Council notice)"),
    "fingerprint": ("密钥指纹", "Fingerprint"),
    "since": ("启用", "Since"),
    "until": ("至", "Until"),
    "from": ("自", "From"),
    "now": ("至今", "now"),
    "enrolled_by": ("登记人", "Enrolled by"),
    "confirmed_by": ("确认人", "Confirmed by"),
    "former_names": ("曾用名", "Former names"),
    "retired": ("已退休", "Retired"),
    "left": ("已离职", "Left"),
    "chain_stays_open": ("其记录永久保留，责任链不关闭。", "The record is never deleted and the chain stays open."),
    "memberships": ("任职经历", "Units over time"),
    "unit_plain": ("单位", "Unit"),
    "chain_withheld": ("{0} 项行为或问题发生在您所在机构的监督范围之外，未予显示。",
                       "{0} acts or findings lie outside your organisation's scope and are not shown."),
    "decided_on": ("决策日期", "decided on"),
    "trace_basis_xx": ("依据息县办法第十八条（重大行政决策终身责任追究制度和责任倒查机制）",
                       "under Xixian Art. 18 (lifelong accountability and reverse tracing)"),
    "trace_basis_nx": ("依据《重大行政决策程序暂行条例》第三十八条（倒查责任、终身责任追究）",
                       "under Decree 713 Art. 38 (reverse tracing, lifelong accountability)"),
    "makers": ("作出决策的人员", "Who made the decision"),
    "name": ("姓名", "Name"),
    "making_role": ("在决策过程中的角色", "Part in the making"),
    "opinion": ("意见或决定", "Opinion or decision"),
    "reasons": ("理由", "Reasons"),
    "recorded_how": ("记录方式", "How recorded"),
    "event": ("事件", "Event"),
    "against_majority": ("与多数意见不一致", "against the majority"),
    "relief_dissent": ("减免责任理由：在集体讨论中持不同意见并记录在案（《重大行政决策程序暂行条例》第三十八条），见第{0}版事件",
                       ("Ground for relief: dissent recorded in the collective discussion (Decree 713 Art. 38); "
                       "see the event at version {0}")),
    "transcribed_not_signed": ("档案转录（来源：{0}），非本人签名", "transcribed from the archive ({0}), not signed by them"),
    "signed_in_person": ("本人签名", "signed in person"),
    "at_version": ("第{0}版", "version {0}"),
    "no_making": ("账本中尚未记录该决策的决策过程。", "The ledger holds no record of how this decision was made."),
    "evaluators": ("参与评估的人员", "Who took part in the evaluation"),
    "n_acts": ("{0} 项行为", "{0} acts"),
    "n_steps": ("{0} 个步骤", "{0} steps"),
    "opened_on": ("立案", "opened"),
    "not_decided": ("尚未决定", "not yet decided"),
    # the two directory pages (api.http.web_directory)
    "agencies": ("评估机构", "Agencies"),
    "agencies_intro": ("受委托评估机构及其资质（息县办法第二十一条）和不良信用记录（宁夏办法第十七条、息县办法第二十四条）。",
                       ("Evaluation agencies, their qualifications (Xixian Art. 21) and bad-credit records "
                       "(Ningxia Art. 17, Xixian Art. 24).")),
    "kind": ("类别", "Kind"),
    "qualified": ("资质", "Qualification"),
    "qualified_yes": ("已记录资质", "recorded"),
    "qualified_no": ("未记录资质", "none recorded"),
    "credit": ("不良信用记录", "Bad-credit records"),
    "credit_in_force": ("现行有效 {0} 项", "{0} in force"),
    "eligibility_revoked": ("已取消评估资格", "eligibility revoked"),
    # 713-41: 通报批评、责令限期整改 and 整改完成 (criticism bars no entrustment; shown beside revocation)
    "criticised": ("通报批评，责令{0}前整改", "criticised; ordered to rectify by {0}"),
    "not_rectified": ("尚未整改", "not rectified yet"),
    "rectified_on_time": ("按期整改完成", "rectified on time"),
    "rectified_late": ("逾期整改完成", "rectified late"),
    "eligibility_record": ("通报批评与评估资格（《重大行政决策程序暂行条例》第四十一条）",
                           "Criticism and eligibility to evaluate (Decree 713 Art. 41)"),
    "annual": ("年度统计", "Annual figures"),
    "annual_intro": ("各单位每年开展的评估情况，按发生年份（北京时间）统计（宁夏办法第十八条、息县办法第二十五条）。",
                     ("Each unit's evaluations per year, counted in the year they happened, China time "
                     "(Ningxia Art. 18, Xixian Art. 25).")),
    "year": ("年度", "Year"),
    "opened_n": ("启动", "Opened"),
    "finished_n": ("完成", "Finished"),
    "finished_on_time_n": ("按期完成", "On time"),
    "overdue_n": ("逾期", "Overdue"),
    "no_rows": ("没有记录。", "Nothing recorded."),
    # 713-39 — a unit's record (api.http.web: /units/{unit_id})
    "unit_record": ("单位的过错记录", "A unit's record"),
    "unit_record_intro": (
        ("决策承办单位或者承担决策有关工作的单位未按照规定履行决策程序，或者履行决策程序时失职渎职、弄虚作假的，"
         "由决策机关责令改正，对负有责任的领导人员和直接责任人员依法追究责任（《重大行政决策程序暂行条例》第三十九条）。"
         "本页列出评估确认的该单位的过错，以及以该单位为一方的责任追究程序。"),
        ("Where the undertaking unit, or a unit that did work on the decision, did not follow the decision procedure, "
         "or was derelict or falsified in it, the deciding organ orders it to correct, and its responsible leaders and "
         "direct persons are held to account (Decree 713 Art. 39). This page lists the faults an evaluation confirmed "
         "against the unit and the accountability procedures naming it as a party.")),
    "unit_faults": ("评估确认的单位过错", "Faults confirmed by an evaluation"),
    "fault_kind": ("过错种类", "Fault"),
    "confirmed_at": ("确认时间", "Confirmed"),
    "unit_procedures": ("以该单位为一方的责任追究程序", "Procedures naming the unit"),
    "persons_held": ("被追究的人员", "Persons held to account"),
    "unit_withheld": ("{0} 项过错或程序涉及的决策不在您所在机构的监督范围内，未予显示。",
                      "{0} faults or procedures concern decisions outside your organisation's scope and are not shown."),
    "unit_concerned": ("所涉单位", "Unit concerned"),
}
