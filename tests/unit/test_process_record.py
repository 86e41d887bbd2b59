"""全过程记录 (NX-10(4); XX-14(1)) and the texts bound to the report (XX-13(4), NX-12a, XX-16, XX-17):
the record is every act of the case in order, generated from its stored events; the finalisation
binds its digest; approval, ruling and publication name the report's digest; XX-17 publishes on
both channels (issue 18 point 7)."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any
from uuid import uuid4

import pytest

from domain import clock
from domain.errors import MalformedInput, Refused
from domain.evidence.canonical import canonical_bytes
from domain.model import process_record as pr
from domain.model.commands.case import PublishResults
from domain.model.publication import channels_of
from tests.support import CaseScript, NXScript, World, XXScript


def count(world: World) -> int:
    return world.ledger.recorder.max_notification_id() or 0


def document(script: CaseScript) -> dict[str, Any]:
    return pr.document(script.case, pr.names_from(script.world.ledger))


def refused_with(script: CaseScript, action: str, signer: Any, args: dict[str, Any]) -> Refused:
    before = count(script.world)
    with pytest.raises(Refused) as caught:
        script.do(signer, action, args)
    assert count(script.world) == before, "a refusal stores nothing"
    assert caught.value.zh and caught.value.en
    return caught.value


def finalise_args(script: CaseScript, digest: str | None) -> dict[str, Any]:
    args = {**script.report_args(script.SECTIONS, "report_id", script.report_id),
            "recommendation": "continue", "addressed_items": script.ITEMS}
    return args if digest is None else {**args, "process_record_digest": digest}


def test_the_record_is_every_act_in_order_from_the_stored_events(world: World) -> None:
    nx = NXScript(world)
    nx.advance_to("finalise_report")
    doc = document(nx)
    record = doc["record"]
    case = nx.case
    assert record["format"] == pr.FORMAT and record["case_id"] == str(nx.case_id) and record["jurisdiction"] == "NX"
    assert [a["version"] for a in record["acts"]] == list(range(1, case.version + 1))
    assert record["through_version"] == case.version
    for entry in record["acts"]:
        stored = world.ledger.stored_event(nx.case_id, entry["version"])
        assert stored is not None and entry["event_hash"] == stored.hash
    first = record["acts"][0]
    assert first["action"] == "case.open" and first["articles"] == ["NX-4"]
    assert first["actor"] == {"principal_id": str(nx.lead.principal_id), "name": "马晓东"}
    assert doc["digest"] == "sha256:" + hashlib.sha256(canonical_bytes(record)).hexdigest()
    assert doc["binding"] is None and doc["later"] == []


def test_finalisation_binds_the_record_of_the_case_as_it_stands(world: World) -> None:
    nx = NXScript(world)
    nx.advance_to("finalise_report")
    read = nx.process_digest()
    for digest in (None, "sha256:" + "0" * 64):
        error = refused_with(nx, "case.finalise_report", nx.lead, finalise_args(nx, digest))
        assert error.article == "NX-10(4)" and error.rule == "process-record/bound-at-finalisation"
    nx.do(nx.lead, "case.finalise_report", finalise_args(nx, read))  # refusals stored nothing
    doc = document(nx)
    assert doc["binding"]["matches"] is True and doc["binding"]["process_record_digest"] == read
    assert doc["digest"] == read and doc["record"]["through_version"] == nx.case.report["version"] - 1


def test_a_record_that_changed_since_it_was_read_is_refused(world: World) -> None:
    xx = XXScript(world)
    xx.advance_to("finalise_report")
    read = xx.process_digest()
    # the ledger records one act more (an inspector's finding) after the evaluator read the record
    inspector = world.person("纪检组长", ["discipline_inspector"], "息县纪委监委派驻纪检监察组")
    xx.do(inspector, "case.find_misconduct", {
        "finding_id": str(uuid4()), "conduct": "dereliction", "statement": "调查提纲过于简略",
        "persons": [{"principal_id": str(xx.member.principal_id), "responsibility": "direct"}],
        "cited_events": [{"aggregate_id": str(xx.case_id), "version": 3,
                          "hash": world.ledger.stored_event_hash(xx.case_id, 3)}],
    })
    error = refused_with(xx, "case.finalise_report", xx.lead, finalise_args(xx, read))
    assert error.article == "XX-14(1)"
    xx.do(xx.lead, "case.finalise_report", finalise_args(xx, xx.process_digest()))
    assert document(xx)["binding"]["matches"] is True


def test_later_acts_are_listed_after_the_bound_part_marked_later(world: World) -> None:
    xx = XXScript(world)
    xx.run_all()
    doc = document(xx)
    finalised_at = xx.case.report["version"]
    assert doc["record"]["through_version"] == finalised_at - 1
    later = doc["later"]
    assert [e["action"] for e in later] == [
        "case.finalise_report", "case.pass_justice_review", "case.approve_report", "case.publish_results"]
    assert all(e["later"] is True for e in later)
    assert [e["version"] for e in later] == list(range(finalised_at, xx.case.version + 1))
    assert doc["binding"]["matches"] is True, "later acts leave the bound record as it was signed"


def test_the_actor_is_named_as_at_the_time_of_the_act(world: World, manual_clock: clock.ManualClock) -> None:
    nx = NXScript(world)
    nx.advance_to("form_team")
    manual_clock.advance(timedelta(minutes=1))
    world.do(world.admin, "principal.rename", nx.lead.principal_id, {"name": "马晓冬", "reason": "依法变更姓名"})
    nx.step("form_team").run()
    acts = document(nx)["record"]["acts"]
    assert acts[0]["actor"]["name"] == "马晓东" and acts[1]["actor"]["name"] == "马晓冬"


@pytest.mark.parametrize(("step", "article"), [("approve_report", "XX-13(4)"), ("publish_results", "XX-17")])
def test_xx_approval_and_publication_name_the_reports_digest(world: World, step: str, article: str) -> None:
    xx = XXScript(world)
    xx.advance_to(step)
    signer = xx.county if step == "approve_report" else xx.lead
    choices: dict[str, dict[str, Any]] = {
        "approve_report": {"report_id": str(xx.report_id), "body": "county_government",
                           "meeting": "县政府常务会议"},
        "publish_results": {"report_id": str(xx.report_id), "channels": xx.channels(), "summary": "继续实施",
                            "withheld_material_ids": [str(xx.material_id)]},
    }
    args = choices[step]
    for digest in (None, "0" * 64):
        named = args if digest is None else {**args, "report_digest": digest}
        error = refused_with(xx, f"case.{step}", signer, named)
        assert error.article == article and error.rule == "process-record/report-digest"
    xx.do(signer, f"case.{step}", {**args, "report_digest": xx.report_digest()})


def test_nx_ruling_names_the_reports_digest(world: World) -> None:
    nx = NXScript(world)
    nx.advance_to("record_ruling")
    args = {"report_id": str(nx.report_id), "ruling": "continue", "body": "office_meeting", "meeting": "厅务会议"}
    error = refused_with(nx, "case.record_ruling", nx.organ, {**args, "report_digest": "1" * 64})
    assert error.article == "NX-12a"
    nx.do(nx.organ, "case.record_ruling", {**args, "report_digest": nx.report_digest()})
    assert nx.case.ruling["report_digest"] == nx.case.report["digest"]


def test_xx_publication_needs_both_channels(world: World) -> None:
    xx = XXScript(world)
    xx.advance_to("publish_results")
    base = {"report_id": str(xx.report_id), "report_digest": xx.report_digest(), "summary": "继续实施",
            "withheld_material_ids": [str(xx.material_id)]}
    portal, unit = xx.channels()
    for channels in ([portal], [unit], []):
        error = refused_with(xx, "case.publish_results", xx.lead, {**base, "channels": channels})
        assert error.article == "XX-17" and error.rule == "publication/both-channels"
    with pytest.raises(MalformedInput):
        xx.do(xx.lead, "case.publish_results", {**base, "channels": [portal, portal, unit]})
    with pytest.raises(MalformedInput):  # one address alone is the form of acts before issue 18
        xx.do(xx.lead, "case.publish_results", {**base, "url": portal["url"], "channels": [portal, unit]})
    xx.do(xx.lead, "case.publish_results", {**base, "channels": [portal, unit]})
    assert xx.case.publication["channels"] == [portal, unit]


def test_nx_publication_names_one_channel_at_least(world: World) -> None:
    nx = NXScript(world)
    nx.advance_to("publish_results")
    base = {"report_id": str(nx.report_id), "report_digest": nx.report_digest(), "summary": "调整执行",
            "withheld_material_ids": [str(nx.material_id)]}
    with pytest.raises(MalformedInput):
        nx.do(nx.lead, "case.publish_results", {**base, "channels": []})
    nx.do(nx.lead, "case.publish_results", {**base, "channels": nx.channels()})
    assert nx.case.publication["channels"] == nx.channels()


def test_a_publication_recorded_before_issue_18_still_reads() -> None:
    """Its one address is kept as a channel of unnamed kind; nothing it lacks is required then."""
    old = PublishResults.parse({"report_id": str(uuid4()), "url": "http://www.xixian.gov.cn/1.html",
                                "summary": "继续实施"}, recorded=True)
    assert old.report_digest is None
    assert channels_of(old) == [{"channel": "website", "url": "http://www.xixian.gov.cn/1.html"}]


class _Service:
    """A stand-in for the service's answer to GET /v1/cases/{id}/process-record."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        self.asked: list[str] = []

    def request(self, method: str, path: str, **_: Any) -> Any:
        import httpx

        self.asked.append(f"{method} {path}")
        return httpx.Response(200, json=self.document)


def test_the_client_computes_the_digest_it_signs_with_the_ledgers_function(world: World) -> None:
    """`client case finalise-report` fills process_record_digest: the record read from the service,
    its digest recomputed here; a service whose record does not give its stated digest is not believed."""
    from api.cli.client import _process_record_digest

    nx = NXScript(world)
    nx.advance_to("finalise_report")
    service = _Service(document(nx))
    signed = _process_record_digest(service, nx.case_id)  # type: ignore[arg-type]
    assert service.asked == [f"GET /v1/cases/{nx.case_id}/process-record"]
    nx.do(nx.lead, "case.finalise_report", finalise_args(nx, signed))
    assert nx.case.report["process_record_digest"] == signed

    lying = document(nx)
    lying["record"]["acts"] = lying["record"]["acts"][:-1]  # one act left out, the digest kept
    with pytest.raises(SystemExit) as stopped:
        _process_record_digest(_Service(lying), nx.case_id)  # type: ignore[arg-type]
    assert stopped.value.code == 1


#: The catalogue of the articles each case action carries out, as process records of format v1 list
#: them. A process record bound at finalisation must give the same digest for ever; its articles
#: come from this table, so the table is frozen: a change to it is a new process-record format (and
#: a table kept per format), never an edit of this one (docs/spec.md §18).
ACTION_ARTICLES_V1 = "7c81c2bcbebc4b3fa023312f39185e99424b99bb2639f7fef72d0124a4a0c8cd"


def test_the_article_table_a_bound_record_lists_is_frozen() -> None:
    import hashlib

    from domain.evidence.canonical import canonical_bytes
    from domain.model.articles import ACTION_ARTICLES
    from domain.model.process_record import FORMAT

    assert FORMAT == "decision-ledger/process-record/v1"
    assert hashlib.sha256(canonical_bytes(ACTION_ARTICLES)).hexdigest() == ACTION_ARTICLES_V1, (
        "ACTION_ARTICLES changed: every process record already bound to a report would change its "
        "digest. Keep the v1 table for records of format v1 and add the new one under a new format")
