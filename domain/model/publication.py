"""公开评估结果的渠道 (XX-17): 决策执行单位应当将跟踪反馈与后评估结果，通过县政府门户网站和本单位网站
向社会公开. Under XX both channels are required, each with its own address; NX has no article on
publication (NX-3 states 公开透明 as a principle only), so an NX publication names at least one
channel, of any kind."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from domain.errors import MalformedInput, Refused
from domain.model.commands.case import PublishResults
from domain.model.vocabulary import PublicationChannel

if TYPE_CHECKING:
    from domain.model.case import EvaluationCase

#: the two channels XX-17 names
XX_CHANNELS = (PublicationChannel.COUNTY_PORTAL, PublicationChannel.UNIT_SITE)


def check_channels(case: EvaluationCase, command: PublishResults) -> None:
    """ARTICLE: XX-17 — both channels, each once; NX: one channel at least."""
    if command.url is not None:
        raise MalformedInput("publish_results names its channels (channels), not a single url")
    kinds = [channel.channel for channel in command.channels]
    if len(set(kinds)) != len(kinds):
        raise MalformedInput("a publication channel appears twice")
    if case.is_nx:
        if not kinds:
            raise MalformedInput("a publication names where it is published (channels)")
        return
    missing = [kind for kind in XX_CHANNELS if kind not in kinds]
    if missing:
        names = "、".join("县政府门户网站" if k is PublicationChannel.COUNTY_PORTAL else "本单位网站" for k in missing)
        raise Refused(
            "XX-17",
            f"跟踪反馈与后评估结果应当通过县政府门户网站和本单位网站向社会公开：缺少{names}的公开地址",
            "results are published on the county government portal and on the unit's own website: "
            f"missing {', '.join(k.value for k in missing)}",
            rule="publication/both-channels",
        )


def channels_of(command: PublishResults) -> list[dict[str, Any]]:
    """Where the results were published; an act recorded before issue 18 named one address."""
    if command.channels:
        return [{"channel": c.channel.value, "url": c.url} for c in command.channels]
    return [{"channel": PublicationChannel.WEBSITE.value, "url": command.url}] if command.url else []
