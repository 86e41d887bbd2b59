"""Decision Ledger's domain, in three parts (docs/architecture.md):

* :mod:`domain.evidence` — the formats and the verifier a third party needs (docs/spec.md);
* :mod:`domain.model` — aggregates, events, commands, rulebooks, vocabulary, articles;
* :mod:`domain.service` — the ledger application that judges and records signed intents.

Imports no web framework and no database driver."""
