"""Decision Ledger's pure domain: aggregates, events, commands, signing, hashing, verification
rules and the ledger application service. Imports no web framework and no database driver."""
