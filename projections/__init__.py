"""Read models built from the notification log (case state at any moment, accountability
chains, the transparency log). The ledger core does not depend on them."""
