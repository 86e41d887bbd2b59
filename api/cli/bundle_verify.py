"""`verify --bundle FILE`: an exported bundle checked offline (docs/spec.md §13.2), with what the
recipient trusts — a checkpoint held earlier, a TSA's certificate (§21.4), the witnesses whose
cosignatures must make a quorum (`--witness-vkey VKEY… [--quorum N]` or `--tlog-policy FILE`,
§20.6)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from api.cli.common import EXIT_USAGE, _fail

if TYPE_CHECKING:
    from domain.evidence.bundle_witnesses import WitnessTrust
    from domain.evidence.report import VerificationReport


def witness_trust(vkeys: tuple[str, ...], quorum: int | None, policy: Path | None) -> WitnessTrust | None:
    """The witnesses the recipient trusts, from the command line (``None``: none given)."""
    from domain.evidence.bundle_witnesses import WitnessTrust
    from domain.evidence.checkpoint import NoteError
    from domain.evidence.cosignature import parse_cosigner_vkey
    from domain.evidence.tlog_policy import PolicyError, parse_policy

    if policy is not None:
        if vkeys or quorum is not None:
            _fail("give the witnesses either as --tlog-policy FILE or as --witness-vkey VKEY… [--quorum N], "
                  "not both / 见证方策略文件与见证方公钥只能二选一", EXIT_USAGE)
        try:
            return WitnessTrust(policy=parse_policy(policy.read_text(encoding="utf-8")))
        except (OSError, UnicodeDecodeError, PolicyError) as error:
            _fail(f"--tlog-policy {policy}: {error}", EXIT_USAGE)
    if not vkeys:
        if quorum is not None:
            _fail("--quorum counts the witnesses given with --witness-vkey / --quorum 须与 --witness-vkey 同用",
                  EXIT_USAGE)
        return None
    pairs = []
    for text in vkeys:
        try:
            pairs.append(parse_cosigner_vkey(text.strip()))
        except NoteError as error:
            _fail(f"--witness-vkey {text[:60]!r}: {error}", EXIT_USAGE)
    if len({key.raw for _, key in pairs}) != len(pairs):
        _fail("--witness-vkey: the same witness key twice / 同一见证方公钥重复", EXIT_USAGE)
    needed = len(pairs) if quorum is None else quorum
    if not 1 <= needed <= len(pairs):
        _fail(f"--quorum is between 1 and the {len(pairs)} witness keys given / 法定数须在 1 至见证方数之间",
              EXIT_USAGE)
    return WitnessTrust(tuple(pairs), needed)


def verify_bundle_file(path: Path, pinned: str | None, since: Path | None, tsa_cert: Path | None = None,
                       witnesses: WitnessTrust | None = None) -> VerificationReport:
    from domain.evidence.bundle_verifier import verify_bundle_json
    from domain.evidence.timestamps import TimestampError, Trust

    reading = path
    try:
        text = path.read_text(encoding="utf-8")
        reading = since or path  # a note that is not UTF-8 is named, not the bundle read before it
        trusted = since.read_text(encoding="utf-8") if since is not None else None
        trust = Trust.from_pem(tsa_cert.read_bytes()) if tsa_cert is not None else None
    except (OSError, UnicodeDecodeError) as error:
        _fail(f"cannot read {error.filename if isinstance(error, OSError) else reading}: {error}", EXIT_USAGE)
    except TimestampError as error:
        _fail(f"--tsa-cert {tsa_cert}: {error} / 时间戳服务证书无法读取", EXIT_USAGE)
    return verify_bundle_json(text, trusted_ledger_keyid=pinned, trusted_checkpoint=trusted, tsa_trust=trust,
                              witness_trust=witnesses)
