"""Limits of the service that its clients must know too, here apart so that the command line
(``decision-ledger client token --lifetime``) names them without importing the web stack."""

from __future__ import annotations

#: seconds a read token may live at most (its ``exp - iat``)
MAX_LIFETIME = 15 * 60
