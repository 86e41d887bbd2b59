"""A verifier of Decision Ledger bundles written from docs/spec.md alone (no product code)."""
