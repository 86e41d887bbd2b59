"""Who is who in the demo: the organisations (宁夏回族自治区商务厅 and 息县人民政府 with their units
and the bodies serving them) and the people, each in their organisation, with their roles."""

from __future__ import annotations

from dataclasses import dataclass

NX_UNIT = "宁夏回族自治区商务厅对外贸易处"
NX_OFFICE = "宁夏回族自治区商务厅办公室"
XX_UNIT = "息县住房和城乡建设局"
NX_ORGAN = "宁夏回族自治区商务厅"
MARKET_UNIT = "宁夏回族自治区商务厅市场建设处"
XX_ORGAN = "息县人民政府"
XX_INSPECTION = "息县纪委监委驻县政府纪检监察组"


@dataclass(frozen=True)
class OrganisationSpec:
    handle: str
    name: str
    kind: str
    parent: str | None = None  # handle of the parent
    jurisdiction: str | None = None  # the text the organ's decisions fall under (NX-2, XX-2)


#: registered in this order (a parent before its children); external experts and agencies' staff
#: belong to none of them
ORGANISATIONS = [
    OrganisationSpec("nx", NX_ORGAN, "organ", jurisdiction="NX"),
    OrganisationSpec("nx_trade", NX_UNIT, "unit", "nx"),
    OrganisationSpec("nx_market", MARKET_UNIT, "unit", "nx"),
    OrganisationSpec("nx_office", NX_OFFICE, "office", "nx"),
    OrganisationSpec("nx_inspection", "自治区纪委监委驻商务厅纪检监察组", "inspection", "nx"),
    OrganisationSpec("xx", XX_ORGAN, "organ", jurisdiction="XX"),
    OrganisationSpec("xx_housing", XX_UNIT, "unit", "xx"),
    OrganisationSpec("xx_justice", "息县司法局", "justice", "xx"),
    OrganisationSpec("xx_office", "息县人民政府办公室", "office", "xx"),
    OrganisationSpec("xx_inspection", XX_INSPECTION, "inspection", "xx"),
]


@dataclass(frozen=True)
class PersonSpec:
    handle: str
    name: str
    unit: str
    title: str
    roles: tuple[str, ...]
    agency: str | None = None
    organisation: str | None = None  # handle of their organisation (none: an outside expert or agency)


NX_PEOPLE = [
    PersonSpec("ma_xiaodong", "马晓东", NX_UNIT, "处长", ("lead_unit",), organisation="nx_trade"),
    PersonSpec("li_na", "李娜", NX_UNIT, "副处长", ("lead_unit",), organisation="nx_trade"),
    PersonSpec("wang_qiang", "王强", NX_UNIT, "四级调研员", ("lead_unit",), organisation="nx_trade"),
    PersonSpec("zhao_min", "赵敏", NX_OFFICE, "办公室主任（厅务会议记录）", ("decision_organ",), organisation="nx_office"),
    PersonSpec("yang_fan", "杨帆", "宁夏大学经济管理学院", "教授", ("agency_staff",), agency="nxu"),
    PersonSpec("liu_yang", "刘洋", "宁夏大学经济管理学院", "副教授", ("agency_staff",), agency="nxu"),
    PersonSpec("ma_jianguo", "马建国", "宁夏社会科学院", "研究员", ("expert",)),
    PersonSpec("zhou_li", "周丽", "北方民族大学商学院", "教授", ("expert",)),
]

MISCONDUCT_PEOPLE = [
    PersonSpec("gao_feng", "高峰", MARKET_UNIT, "处长", ("lead_unit",), organisation="nx_market"),
    PersonSpec("he_jing", "何静", MARKET_UNIT, "一级主任科员", ("lead_unit",), organisation="nx_market"),
    PersonSpec("luo_bin", "罗斌", "宁夏华信工程咨询有限公司", "项目经理", ("agency_staff",), agency="huaxin"),
    PersonSpec("tian_zhiqiang", "田志强", "北方民族大学经济学院", "教授", ("expert",)),
    PersonSpec("kong_deming", "孔德明", "自治区纪委监委驻商务厅纪检监察组", "副组长", ("discipline_inspector",), organisation="nx_inspection"),
]

XX_PEOPLE = [
    PersonSpec("chen_jianhua", "陈建华", XX_UNIT, "副局长", ("lead_unit",), organisation="xx_housing"),
    PersonSpec("sun_li", "孙丽", XX_UNIT, "村镇建设股股长", ("lead_unit",), organisation="xx_housing"),
    PersonSpec("huang_zhigang", "黄志刚", "息县司法局", "合法性审查股股长", ("justice_reviewer",), organisation="xx_justice"),
    PersonSpec("wu_tao", "吴涛", "息县人民政府办公室", "副主任（县政府常务会议记录）", ("decision_organ",), organisation="xx_office"),
    PersonSpec("jiang_weiguo", "蒋卫国", XX_INSPECTION, "组长", ("discipline_inspector",), organisation="xx_inspection"),
]

#: the fourth case's decision makers: the county head and two deputy heads, members of the
#: 县政府常务会议 (国令第713号第三十条); they sign their own opinions and the head his decision
FAULT_PEOPLE = [
    PersonSpec("liu_zhiyuan", "刘志远", XX_ORGAN, "县长", ("decision_organ",), organisation="xx"),
    PersonSpec("zheng_guodong", "郑国栋", XX_ORGAN, "副县长", ("decision_organ",), organisation="xx"),
    PersonSpec("xu_ming", "许明", XX_ORGAN, "副县长", ("decision_organ",), organisation="xx"),
]
