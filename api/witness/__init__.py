"""A witness (见证方) another organisation runs apart from the ledger: its store, its HTTP
service (c2sp.org/tlog-witness) and the ledger's side that submits checkpoints to it (spec §20)."""
