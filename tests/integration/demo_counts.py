"""How many events the demo's ledger holds, for tests that count them."""

GENESIS_EVENTS = 2  # init: the ledger's principal and the first administrator
DEMO_EVENTS = 98  # one demo run: 10 organisations, 83 acts signed by people, 5 findings by the ledger
DEMO_STORE = GENESIS_EVENTS + DEMO_EVENTS  # a store initialised and loaded with the demo once
