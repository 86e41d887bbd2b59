"""Both regulations as code: one rulebook per text, sharing one vocabulary of rules."""

from domain.model.rules.base import Rulebook
from domain.model.vocabulary import Jurisdiction


def rulebook_for(jurisdiction: Jurisdiction | str) -> Rulebook:
    from domain.model.rules import nx, xx

    return {"NX": nx.RULEBOOK, "XX": xx.RULEBOOK}[Jurisdiction(jurisdiction).value]


__all__ = ["Rulebook", "rulebook_for"]
