"""Read models built from the notification log (case state at any moment, accountability
chains, the transparency log). Built in issue 4; the ledger core does not depend on them."""
