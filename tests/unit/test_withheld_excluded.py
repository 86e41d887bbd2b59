"""XX-17 withheld only if classified: a material excluded from the evidence (XX-7) is never among
the published results, so listing it among the withheld is no unclassified material kept back."""

from __future__ import annotations

from uuid import uuid4

import pytest

from domain.errors import Refused
from tests.support import World, XXScript


def _publish(script: XXScript, withheld: list[str]) -> None:
    script.do(script.lead, "case.publish_results", {
        "report_id": str(script.report_id), "report_digest": script.report_digest(), "channels": script.channels(),
        "summary": "继续实施", "withheld_material_ids": [str(script.material_id), *withheld]})


def test_an_excluded_unclassified_material_may_be_listed_as_withheld(world: World) -> None:
    script = XXScript(world)
    script.advance_to("hold_forum")
    forged, kept = uuid4(), uuid4()
    for material, title in ((forged, "某村虚报的垃圾清运台账"), (kept, "村民来信汇总")):
        script.do(script.member, "case.collect_material", script.material_args(
            material, classification="none", title=title, source="乡镇上报"))
    script.do(script.member, "case.exclude_material", {"material_id": str(forged), "reason": "经核实数据系编造，予以剔除"})
    script.advance_to("publish_results")
    with pytest.raises(Refused) as refused:  # an unclassified material in the results is still published
        _publish(script, [str(forged), str(kept)])
    assert refused.value.rule == "XX/withheld-only-if-classified" and refused.value.zh.endswith("：村民来信汇总")
    _publish(script, [str(forged)])
    assert script.case.publication is not None
