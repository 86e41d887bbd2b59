"""What the ledger remembers of the checkpoints it signed, so that no one holding the database
alone can make it sign a history that drops or rewrites what it signed before (issue 16, point 4;
XX-17: published checkpoints are the public's proof that the ledger was not rewritten).

Every checkpoint the ledger key signs is remembered twice:

* in the append-only table ``dl_log_signed`` beside the log (triggers refuse UPDATE, DELETE and
  TRUNCATE, and a rebuild keeps it), and
* outside the database, in ``checkpoint.note`` beside the ledger key in the keys directory
  (written atomically, mode 0600): the latest one.

Before signing, the log must reproduce the root of every remembered checkpoint at its size (the
latest of the file, of ``dl_log_signed`` and of ``dl_log_checkpoints``): a log that holds fewer
leaves, or other ones, is refused with :class:`CheckpointRefused` — never signed, never rebuilt
from zero in silence. ``verify`` reads both memories too (:mod:`projections.store_audit`).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from psycopg.sql import SQL, Composed, Identifier

from domain.evidence.checkpoint import Checkpoint, NoteError, open_checkpoint
from domain.evidence.store import LogUnavailable
from projections.whole_file import locked, replace_whole

if TYPE_CHECKING:
    from domain.evidence.signing import PublicKey

#: the append-only table of every signed checkpoint
SIGNED = "dl_log_signed"
#: the latest signed checkpoint, beside the ledger key (``ledger.pem``) in the keys directory
MEMORY_FILE = "checkpoint.note"
REFUSAL = "decision-ledger: signed checkpoints are append-only"


class CheckpointRefused(LogUnavailable):
    """The log is not consistent with a checkpoint the ledger signed before: signing now would
    rewrite history. The message names the checkpoint and what to do."""


def sqlite_append_only(table: str) -> list[str]:
    """Triggers that refuse UPDATE and DELETE of ``table`` (SQLite has no TRUNCATE)."""
    return [
        (f"CREATE TRIGGER IF NOT EXISTS {table}_no_update BEFORE UPDATE ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{REFUSAL} (UPDATE refused)'); END"),
        (f"CREATE TRIGGER IF NOT EXISTS {table}_no_delete BEFORE DELETE ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{REFUSAL} (DELETE refused)'); END"),
    ]


def postgres_append_only(schema: str, table: str) -> list[Composed]:
    """A function and triggers that refuse UPDATE, DELETE and TRUNCATE of ``table``."""
    function = Identifier(f"{table}_refuse_change")
    names = {"schema": Identifier(schema), "table": Identifier(table), "function": function}
    return [
        SQL(
            "CREATE OR REPLACE FUNCTION {schema}.{function}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            "RAISE EXCEPTION '" + REFUSAL + " (% refused on %)', TG_OP, TG_TABLE_NAME "
            "USING ERRCODE = 'insufficient_privilege'; END $$"
        ).format(**names),
        SQL(
            "CREATE OR REPLACE TRIGGER {trigger} BEFORE UPDATE OR DELETE ON {schema}.{table} "
            "FOR EACH ROW EXECUTE FUNCTION {schema}.{function}()"
        ).format(trigger=Identifier(f"{table}_append_only"), **names),
        SQL(
            "CREATE OR REPLACE TRIGGER {trigger} BEFORE TRUNCATE ON {schema}.{table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION {schema}.{function}()"
        ).format(trigger=Identifier(f"{table}_no_truncate"), **names),
    ]


#: the checkpoint a quorum of witnesses cosigned, kept beside the ledger key and published (issue 20;
#: api.witness.submitter writes it, verify reads it)
WITNESSED_FILE = "witnessed.note"


class CheckpointMemory:
    """The latest signed checkpoint, kept in ``checkpoint.note`` in the keys directory."""

    def __init__(self, keys_dir: Path) -> None:
        self.path = keys_dir / MEMORY_FILE

    def read(self) -> str | None:
        try:
            return self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None

    def remember(self, note: str, size: int) -> None:
        """Keep ``note`` (of tree ``size``) unless the file already holds a larger checkpoint,
        written whole (:mod:`projections.whole_file`). Signers in one process (the projection
        worker and a request) and in several (servers on one store) decide and write in turn."""
        with locked(self.path.parent):
            held = self.read()
            if held is not None and (held == note or _size(held) >= size):
                return
            replace_whole(self.path, note)


def _size(note: str) -> int:
    """The tree size a note names (0 if it is not a checkpoint)."""
    try:
        from domain.evidence.checkpoint import SignedNote

        return Checkpoint.from_text(SignedNote.parse(note).text).size
    except (NoteError, ValueError):
        return 0


def opened(note: str, where: str, keys: Sequence[PublicKey], origin: str) -> Checkpoint:
    """A remembered checkpoint, opened under one of the ledger's keys (the one signing now first);
    :class:`CheckpointRefused` if it verifies under none (then nothing may be signed until
    someone looks)."""
    error: NoteError | None = None
    for key in keys:
        try:
            return open_checkpoint(note, key, origin)
        except NoteError as refused:
            error = error or refused
    if error is not None:
        raise CheckpointRefused(
            f"the checkpoint remembered in {where} does not verify under the ledger key ({error}): "
            "nothing is signed until it is resolved; run `decision-ledger verify` / 记住的检查点无法验证"
        ) from None
    raise CheckpointRefused("no ledger key to open the remembered checkpoint with / 没有账本密钥")


def refusal(where: str, remembered: Checkpoint, held: int) -> CheckpointRefused:
    if remembered.size > held:
        reason = (f"the log holds {held} leaves, fewer than the checkpoint of size {remembered.size} the ledger "
                  f"signed ({where}): events were removed or the log was cut")
    else:
        reason = (f"the log's root at size {remembered.size} is not the root the ledger signed then ({where}): "
                  "the history was rewritten")
    return CheckpointRefused(
        f"{reason}; no checkpoint is signed over it. Run `decision-ledger verify` to see what changed, "
        "and `decision-ledger rebuild` if only the log was damaged / 透明日志与已签名的检查点不一致，拒绝签名"
    )
