"""How many events the demo's ledger holds, for tests that count them."""

GENESIS_EVENTS = 3  # init: the ledger's principal and the two founding administrators (dual control)
DEMO_EVENTS = 165  # one demo run: 10 organisations, 127 acts signed by people, 21 key confirmations, 7 findings
DEMO_STORE = GENESIS_EVENTS + DEMO_EVENTS  # a store initialised and loaded with the demo once
