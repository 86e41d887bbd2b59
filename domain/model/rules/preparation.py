"""The preparation phase (XX-11): who sits on the team, and the questionnaire designed before it is used.

XX-11(1) 成立小组。小组由承担评估具体工作的单位相关人员组成，可以邀请人大代表、政协委员、有关法律专家、
行业管理专家等参加。

The team is made of the staff of the unit that does the evaluation's actual work — the 决策执行单位
that opened the case (XX-6), or an agency entrusted on the case (XX-20), by its registered staff —
and may invite deputies, members of the CPPCC and experts. So a member declared as the unit's own
staff (``affiliation: staff``) must be one, and a team of invited persons only is not the unit's team.
The list of the invited is open (等): anyone else invited joins as ``other_invited``.
NX-10(1) says no more than 成立评估小组; the rule is XX's alone.

XX-11(3) 制定调查提纲，设计调查问卷 belongs to the preparation phase; XX-12(2) 开展问卷调查 to the
implementation. Under the standard procedure a questionnaire survey is conducted only after the
questionnaire is designed (``case.prepare_survey``). The simplified procedure (XX-15) has no
preparation phase: its online questionnaire needs none.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any
from uuid import UUID

from domain.model.outsourcing import is_registered_staff
from domain.model.principal import Principal
from domain.model.rules.base import Judgement, Refuse, Rule
from domain.model.rules.common import codes, rule_of
from domain.model.vocabulary import Affiliation, Jurisdiction


def team_composition(jurisdiction: Jurisdiction, article: str) -> Rule:
    """XX-11(1) 小组由承担评估具体工作的单位相关人员组成，可以邀请……参加: refused when no member is the
    working unit's staff, or a member stated as its staff belongs to neither the 决策执行单位 nor an
    agency entrusted on the case."""

    @rule_of(jurisdiction, "team-composition", (article,), "评估小组由承担评估具体工作的单位相关人员组成",
             "the team is made of the working unit's staff, with invited members", "refuse", {"case.form_team"})
    def check(j: Judgement) -> Iterator[Refuse]:
        case = j.the_case
        members = j.command.members
        if not any(member.affiliation is Affiliation.STAFF for member in members):
            yield Refuse(
                "评估小组由承担评估具体工作的单位相关人员组成；人大代表、政协委员、法律专家、行业管理专家是受邀参加的，"
                "小组中应当有该单位的人员",
                "the team is made of staff of the unit doing the work; deputies, CPPCC members and experts "
                "are invited to join it, not the team itself",
            )
            return
        outsiders: list[str] = []
        for member in members:
            if member.affiliation is not Affiliation.STAFF:
                continue
            person = j.ctx.directory.find(member.principal_id, Principal)
            if person is not None and not _works_for_the_case(person, case.lead_unit, case.agencies):
                outsiders.append(person.name)
        if outsiders:
            yield Refuse(
                f"{codes(outsiders)}不是承担评估具体工作的单位（{case.lead_unit}或者本案受委托评估机构）的人员，"
                "不能作为该单位人员加入评估小组；受邀参加的，应当载明其为人大代表、政协委员、法律专家、行业管理专家"
                "或者其他受邀人员",
                f"{', '.join(outsiders)} are not staff of the unit doing the work ({case.lead_unit} or an agency "
                "entrusted on the case): state them as invited (deputy, CPPCC member, legal or sector expert, "
                "or another invited person)",
            )

    return check


def _works_for_the_case(person: Principal, lead_unit: str, agencies: Mapping[str, Any]) -> bool:
    """Staff of the 决策执行单位, or registered staff of an agency entrusted on the case."""
    if person.unit == lead_unit:
        return True
    agency: UUID | None = person.agency_id
    return agency is not None and str(agency) in agencies and is_registered_staff(person, agency)


def questionnaire_before_survey(jurisdiction: Jurisdiction, article: str) -> Rule:
    """XX-11(3) 制定调查提纲，设计调查问卷 (准备阶段) before XX-12(2) 开展问卷调查 (实施阶段), except on
    the simplified procedure (XX-15), which has no preparation phase."""

    @rule_of(jurisdiction, "questionnaire-before-survey", (article,), "开展问卷调查前应当在准备阶段设计调查问卷",
             "the questionnaire is designed in the preparation phase before the survey", "refuse",
             {"case.conduct_survey"})
    def check(j: Judgement) -> Iterator[Refuse]:
        case = j.the_case
        if case.survey_plan is None and not case.is_simplified:
            yield Refuse(
                "准备阶段应当制定调查提纲、设计调查问卷，尚未设计调查问卷的，不得开展问卷调查",
                "the survey outline and questionnaire are prepared in the preparation phase: "
                "no questionnaire survey before the questionnaire is designed",
            )

    return check
