"""The evidence: what a third party needs to verify the ledger (docs/spec.md). Imports only the
standard library, `cryptography` and `rfc8785`."""
