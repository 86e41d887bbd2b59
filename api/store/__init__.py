"""Everything that touches a database: append-only recorders, opening a ledger, raw reads."""
