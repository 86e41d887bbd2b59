"""Data keys handed out for sealing, within a quota, and expiring unused (issue 16, point 6;
attack M6: one expert minted 3,191 data keys in 10 s).

``POST /v1/secrets/keys`` mints a key for one material about to be sealed (NX-15, XX-22). Each
key minted is recorded in ``dl_data_keys`` (:mod:`api.store.service_state`): for whom, when, and
until when it may be used.

* **Quota.** A person holds at most :data:`QUOTA` keys minted and not yet used; one more is
  refused with 429 until a material sealed with one is submitted, or one expires.
* **Use.** A material sealed with a minted key claims it when its write is submitted; a refused
  write gives the claim back. A claimed key is kept for good (it opens a stored material).
* **Expiry.** A key not claimed within :data:`UNUSED_LIFETIME` of its minting expires: its file
  is overwritten and removed (no tombstone: it never sealed anything recorded), and a material
  sealed with it afterwards is refused (400: no such data key). Expired keys are swept at each
  minting and when ``serve`` starts, by the injectable clock (:mod:`domain.clock`).

Keys made outside this route (the demo, keys from before this table) are not in the table and
are never swept.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from api.store.secrets import Keystore
from api.store.service_state import ServiceState, micros
from domain.errors import LedgerError

#: unused data keys one person may hold at a time
QUOTA = 20
#: how long a minted data key may wait for the material it seals
UNUSED_LIFETIME = timedelta(hours=1)


class QuotaReached(LedgerError):
    """A person holds :data:`QUOTA` unused data keys already."""

    kind = "too-many"


class KeyExpired(LedgerError):
    """The data key expired unused and was destroyed."""

    kind = "malformed-input"


class DataKeys:
    """The data keys the service mints, on the key store, accounted in the service's tables."""

    def __init__(self, state: ServiceState, keystore: Keystore) -> None:
        self.state = state
        self.keystore = keystore

    def mint(self, principal_id: str) -> tuple[str, bytes]:
        """A new data key for ``principal_id``; :class:`QuotaReached` over the quota."""
        self.sweep()
        now = micros()
        with self.state.reading() as cursor:
            row = cursor.execute(
                "SELECT COUNT(*) AS unused FROM {dl_data_keys} WHERE principal_id = ? AND claimed_at IS NULL "
                "AND expires_at > ?", (principal_id, now)).fetchone()
        unused = int(row["unused"]) if row else 0
        if unused >= QUOTA:
            raise QuotaReached(
                f"you hold {unused} unused data keys, the most one person may (each seals one material): "
                f"use them, or wait until they expire ({_minutes(UNUSED_LIFETIME)} minutes after minting) — "
                f"每人最多持有 {QUOTA} 个未使用的数据密钥，请先使用或等待其过期")
        kid, key = self.keystore.create()
        with self.state.writing() as cursor:
            cursor.execute("INSERT INTO {dl_data_keys} (kid, principal_id, minted_at, expires_at) VALUES (?, ?, ?, ?)",
                           (kid, principal_id, now, now + int(UNUSED_LIFETIME.total_seconds() * 1_000_000)))
        return kid, key

    def claim(self, kid: str) -> bool:
        """A material sealed with ``kid`` is being submitted: keep the key from expiring. True if
        this call claimed it (give it back with :meth:`release` if the write is refused);
        :class:`KeyExpired` if it expired unused."""
        now = micros()
        with self.state.writing() as cursor:
            claimed = cursor.execute(
                "UPDATE {dl_data_keys} SET claimed_at = ? WHERE kid = ? AND claimed_at IS NULL AND expires_at > ? "
                "RETURNING kid", (now, kid, now)).fetchall()
            if claimed:
                return True
            row = cursor.execute("SELECT claimed_at FROM {dl_data_keys} WHERE kid = ?", (kid,)).fetchone()
        if row is not None and row["claimed_at"] is None:
            raise KeyExpired(f"data key {kid} expired unused {_minutes(UNUSED_LIFETIME)} minutes after it was "
                             "minted and was destroyed: ask for a new key and seal the material again "
                             "(数据密钥逾期未用已销毁，请重新申请密钥并重新加密)")
        return False

    def release(self, kid: str) -> None:
        """The write that claimed ``kid`` was refused: the key may expire again."""
        with self.state.writing() as cursor:
            cursor.execute("UPDATE {dl_data_keys} SET claimed_at = NULL WHERE kid = ?", (kid,))

    def sweep(self) -> list[str]:
        """Destroy every key that expired unused; their ids."""
        now = micros()
        with self.state.writing() as cursor:
            expired = [row["kid"] for row in cursor.execute(
                "DELETE FROM {dl_data_keys} WHERE claimed_at IS NULL AND expires_at <= ? RETURNING kid",
                (now,)).fetchall()]
        for kid in expired:
            self.keystore.discard(kid)
        return expired


def sealed_kids(args: Any) -> list[str]:
    """The data key ids a write's signed arguments seal with."""
    sealed = args.get("sealed") if isinstance(args, dict) else None
    kid = sealed.get("kid") if isinstance(sealed, dict) else None
    return [kid] if isinstance(kid, str) else []


def _minutes(delta: timedelta) -> int:
    return int(delta.total_seconds() // 60)
