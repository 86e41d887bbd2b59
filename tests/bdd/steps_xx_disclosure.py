"""Steps of what the published results may withhold (息县办法第十七条): 涉及国家秘密、商业秘密或者个人隐私的
内容除外 — and nothing else."""

from __future__ import annotations

from pytest_bdd import parsers, when

from tests.bdd.steps_actions import publish
from tests.bdd.story import Story


@when(parsers.parse('"{person}"公开评估结果时，把未定密的"{title}"与"{secret}"一并列为不予公开'))
def publish_withholding_unclassified(story: Story, person: str, title: str, secret: str) -> None:
    materials = story.case.materials
    unclassified = next(m for m, entry in materials.items() if entry.get("title") == title)
    assert materials[unclassified]["classification"] == "none", "the scenario's material is unclassified"
    publish(story, person, [unclassified, story.materials.get(secret, story.case_script.material_id)])
