"""A transparency log trust policy, C2SP ``tlog-policy`` (docs/spec.md §20.3): the logs, the
witnesses (with their submission URLs) and the quorum of cosignatures a checkpoint needs.

::

    log decision-ledger/…+1a2b3c4d+AQ…
    witness 司法局 sfj.xixian.gov.cn/witness+…+BA… https://witness.sfj.example/
    witness 审计局 sjj.xixian.gov.cn/witness+…+BA… https://witness.sjj.example/
    group 两家 all 司法局 审计局
    quorum 两家
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from domain.evidence.checkpoint import NoteError, SignedNote, parse_verifier_key
from domain.evidence.cosignature import cosigned_by, parse_cosigner_vkey
from domain.evidence.signing import PublicKey


class PolicyError(ValueError):
    """The policy file does not follow c2sp.org/tlog-policy."""


@dataclass(frozen=True)
class Witness:
    name: str  # the policy's name for it
    key_name: str  # the name in its cosignature lines
    public_key: PublicKey
    url: str | None


@dataclass(frozen=True)
class Group:
    name: str
    threshold: int
    members: tuple[str, ...]


@dataclass(frozen=True)
class Policy:
    logs: tuple[tuple[str, PublicKey, str | None], ...]
    witnesses: dict[str, Witness] = field(default_factory=dict)
    groups: dict[str, Group] = field(default_factory=dict)
    quorum: str = "none"

    def satisfied(self, cosigned: Iterable[str]) -> bool:
        """Whether the witnesses named (policy names) that cosigned make the quorum."""
        done = set(cosigned)

        def holds(name: str) -> bool:
            if name in self.witnesses:
                return name in done
            group = self.groups[name]
            return sum(holds(member) for member in group.members) >= group.threshold

        return self.quorum == "none" or holds(self.quorum)

    def cosigners(self, note: str) -> list[str]:
        """The policy's witnesses whose cosignature on ``note`` verifies (others are ignored;
        a line that matches a witness's name and key id but does not verify refuses the note)."""
        signed = SignedNote.parse(note)
        return [w.name for w in self.witnesses.values() if cosigned_by(signed, w.key_name, w.public_key) is not None]


def _split(line: str) -> list[str]:
    return line.replace("\t", " ").split()


def parse_policy(text: str) -> Policy:
    """Parse a policy file; every refusal names the line and what to fix."""
    if any(ord(c) < 0x20 and c not in "\t\n" or ord(c) == 0x7F for c in text):
        raise PolicyError("a policy holds no control characters but tab and newline / 策略文件不得含控制字符")
    logs: list[tuple[str, PublicKey, str | None]] = []
    witnesses: dict[str, Witness] = {}
    groups: dict[str, Group] = {}
    quorum: str | None = None
    seen_keys: set[bytes] = set()
    for number, line in enumerate(text.split("\n"), 1):
        words = _split(line)
        if not words or words[0].startswith("#"):
            continue
        where = f"policy line {number}"
        try:
            if words[0] == "log" and len(words) in (2, 3):
                name, key = parse_verifier_key(words[1])
                if key.raw in {k.raw for _, k, _ in logs}:
                    raise PolicyError(f"{where}: the same log key twice / 同一日志公钥重复")
                logs.append((name, key, words[2] if len(words) == 3 else None))
            elif words[0] == "witness" and len(words) in (3, 4):
                name = words[1]
                if name in witnesses or name in groups or name == "none":
                    raise PolicyError(f"{where}: the name {name!r} is already defined / 名称重复")
                key_name, key = parse_cosigner_vkey(words[2])
                if key.raw in seen_keys:
                    raise PolicyError(f"{where}: the same witness key twice / 同一见证方公钥重复")
                seen_keys.add(key.raw)
                witnesses[name] = Witness(name, key_name, key, words[3] if len(words) == 4 else None)
            elif words[0] == "group" and len(words) >= 4:
                name, k, members = words[1], words[2], tuple(words[3:])
                if name in witnesses or name in groups or name == "none":
                    raise PolicyError(f"{where}: the name {name!r} is already defined / 名称重复")
                unknown = [m for m in members if m not in witnesses and m not in groups]
                if unknown:
                    raise PolicyError(f"{where}: members must be defined on earlier lines: {', '.join(unknown)} / "
                                      "组成员须在前面的行中定义")
                if len(set(members)) != len(members):
                    raise PolicyError(f"{where}: a member is listed twice / 组成员重复")
                threshold = (len(members) if k == "all" else 1 if k == "any"
                             else int(k) if k.isdigit() and k.isascii() else 0)
                if not 1 <= threshold <= len(members):
                    raise PolicyError(f"{where}: the threshold is all, any or a number from 1 to {len(members)} / "
                                      "门限须为 all、any 或 1 至成员数之间的整数")
                groups[name] = Group(name, threshold, members)
            elif words[0] == "quorum" and len(words) == 2:
                if quorum is not None:
                    raise PolicyError(f"{where}: a policy has exactly one quorum line / 只能有一行 quorum")
                if words[1] != "none" and words[1] not in witnesses and words[1] not in groups:
                    raise PolicyError(f"{where}: the quorum names a witness or group defined before it / "
                                      "quorum 须指向前面定义的见证方或组")
                quorum = words[1]
            else:
                raise PolicyError(f"{where}: expected `log VKEY [URL]`, `witness NAME VKEY [URL]`, "
                                  "`group NAME all|any|K MEMBER…` or `quorum NAME` / 无法识别的行")
        except NoteError as error:
            raise PolicyError(f"{where}: {error}") from None
    if quorum is None:
        raise PolicyError("a policy has exactly one quorum line (`quorum none` for no witnesses) / 缺少 quorum 行")
    return Policy(tuple(logs), witnesses, groups, quorum)
