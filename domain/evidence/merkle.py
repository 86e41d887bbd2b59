"""RFC 9162 Merkle trees: hashes, inclusion and consistency proofs, and their verification
(docs/spec.md §10).

Proofs are built from a *subtree oracle* — any function giving MTH of leaves [start, end) — so a
store can answer from O(log n) stored perfect subtrees instead of rebuilding the tree.
Verification (RFC 9162 §2.1.3.2, §2.1.4.2) needs nothing but the hashes.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from typing import Any

EMPTY_ROOT = hashlib.sha256(b"").digest()

Subtree = Callable[[int, int], bytes]
"""MTH of the leaves [start, end)."""


class ProofError(ValueError):
    """A proof does not verify; the message says which check failed."""


_HASH_HEX = re.compile(r"[0-9a-f]{64}")


def path_of(hexes: Any) -> list[bytes]:
    """A proof's path as a bundle spells it: a list of hashes, each in lowercase hex (spec §1) —
    ``bytes.fromhex`` alone also read upper case and spaces, so one path had many spellings."""
    if not isinstance(hexes, list):
        raise ProofError("the path is not a list of hex hashes")
    for text in hexes:
        if not isinstance(text, str) or not _HASH_HEX.fullmatch(text):
            raise ProofError(f"{str(text)[:80]!r} is not a hash in lowercase hex (64 digits)")
    return [bytes.fromhex(text) for text in hexes]


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def split(n: int) -> int:
    """k: the largest power of two smaller than n (n > 1)."""
    return 1 << ((n - 1).bit_length() - 1)


def mth(start: int, end: int, perfect: Callable[[int, int], bytes]) -> bytes:
    """MTH of leaves [start, end), given the hashes of perfect aligned subtrees:
    ``perfect(level, index)`` covers leaves [index·2^level, (index+1)·2^level)."""
    size = end - start
    if size == 0:
        return EMPTY_ROOT
    if size & (size - 1) == 0 and start % size == 0:
        level = size.bit_length() - 1
        return perfect(level, start >> level)
    k = split(size)
    return node_hash(mth(start, start + k, perfect), mth(start + k, end, perfect))


def perfect_cover(start: int, end: int) -> list[tuple[int, int]]:
    """(level, index) of the perfect aligned subtrees :func:`mth` reads for the leaves
    [start, end), in the order it reads them."""
    out: list[tuple[int, int]] = []
    stack = [(start, end)]
    while stack:
        lo, hi = stack.pop()
        size = hi - lo
        if size == 0:
            continue
        if size & (size - 1) == 0 and lo % size == 0:
            level = size.bit_length() - 1
            out.append((level, lo >> level))
            continue
        k = split(size)
        stack.append((lo + k, hi))
        stack.append((lo, lo + k))
    return out


def nodes_read(proof: Callable[[Subtree], object]) -> list[tuple[int, int]]:
    """The perfect subtrees (level, index) that ``proof`` — a computation over a subtree oracle,
    such as ``lambda s: inclusion_path(i, n, s)`` — reads, in order, each once. It runs on an
    oracle that records them and answers a placeholder, so a store can fetch them all at once
    and then run the same computation on the real hashes."""
    wanted: dict[tuple[int, int], None] = {}

    def record(start: int, end: int) -> bytes:
        wanted.update(dict.fromkeys(perfect_cover(start, end)))
        return EMPTY_ROOT

    proof(record)
    return list(wanted)


def inclusion_path(index: int, size: int, subtree: Subtree) -> list[bytes]:
    """PATH(index, D[size]) (RFC 9162 §2.1.3.1), leaf first."""
    if not 0 <= index < size:
        raise ProofError(f"leaf {index} is not in a tree of size {size}")
    path: list[bytes] = []

    def walk(m: int, start: int, end: int) -> None:
        n = end - start
        if n == 1:
            return
        k = split(n)
        if m < k:
            walk(m, start, start + k)
            path.append(subtree(start + k, end))
        else:
            walk(m - k, start + k, end)
            path.append(subtree(start, start + k))

    walk(index, 0, size)
    return path


def consistency_path(old: int, new: int, subtree: Subtree) -> list[bytes]:
    """PROOF(old, D[new]) (RFC 9162 §2.1.4.1)."""
    if not 0 <= old <= new:
        raise ProofError(f"no consistency proof from size {old} to size {new}")
    if old in (0, new):
        return []
    path: list[bytes] = []

    def sub(m: int, start: int, end: int, whole: bool) -> None:
        n = end - start
        if m == n:
            if not whole:
                path.append(subtree(start, end))
            return
        k = split(n)
        if m <= k:
            sub(m, start, start + k, whole)
            path.append(subtree(start + k, end))
        else:
            sub(m - k, start + k, end, False)
            path.append(subtree(start, start + k))

    sub(old, 0, new, True)
    return path


def root_of(leaves: Sequence[bytes]) -> bytes:
    """MTH of a list of leaf hashes, computed directly (a reference, for tests and small trees)."""
    if not leaves:
        return EMPTY_ROOT
    if len(leaves) == 1:
        return leaves[0]
    k = split(len(leaves))
    return node_hash(root_of(leaves[:k]), root_of(leaves[k:]))


def verify_inclusion(leaf: bytes, index: int, size: int, path: Sequence[bytes], root: bytes) -> None:
    """RFC 9162 §2.1.3.2. Raises :class:`ProofError` unless ``leaf`` is at ``index`` of the tree
    of ``size`` whose root is ``root``."""
    if index >= size or index < 0:
        raise ProofError(f"leaf index {index} is outside a tree of size {size}")
    fn, sn = index, size - 1
    r = leaf
    for p in path:
        if sn == 0:
            raise ProofError("the inclusion path is longer than the tree is deep")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError("the inclusion path is shorter than the tree is deep")
    if r != root:
        raise ProofError("the inclusion path does not lead to the root")


def verify_consistency(old: int, new: int, old_root: bytes, new_root: bytes, path: Sequence[bytes]) -> None:
    """RFC 9162 §2.1.4.2. Raises :class:`ProofError` unless the tree of size ``new`` with
    ``new_root`` extends the tree of size ``old`` with ``old_root``."""
    if not 0 <= old <= new:
        raise ProofError(f"size {old} cannot precede size {new}")
    if old == new:
        if path or old_root != new_root:
            raise ProofError("equal sizes need equal roots and an empty proof")
        return
    if old == 0:
        if path:
            raise ProofError("a proof from the empty tree is empty")
        return
    if not path:
        raise ProofError("the consistency proof is empty")
    nodes = list(path)
    if old & (old - 1) == 0:
        nodes.insert(0, old_root)
    fn, sn = old - 1, new - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = nodes[0]
    for c in nodes[1:]:
        if sn == 0:
            raise ProofError("the consistency proof is longer than needed")
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError("the consistency proof is shorter than needed")
    if fr != old_root:
        raise ProofError("the proof does not lead to the old root")
    if sr != new_root:
        raise ProofError("the proof does not lead to the new root")


class Frontier:
    """The right edge of an append-only tree: the perfect subtrees covering [0, size), largest
    first. Appending a leaf returns the perfect nodes it completes, which a store keeps."""

    def __init__(self, size: int = 0, edge: Sequence[tuple[int, bytes]] = ()) -> None:
        self.size = size
        self.edge: list[tuple[int, bytes]] = list(edge)  # (level, hash), levels decreasing

    @staticmethod
    def levels(size: int) -> list[tuple[int, int]]:
        """(level, index) of the perfect subtrees covering [0, size), largest first."""
        out = []
        start = 0
        for level in range(size.bit_length() - 1, -1, -1):
            if size >> level & 1:
                out.append((level, start >> level))
                start += 1 << level
        return out

    def append(self, leaf: bytes) -> list[tuple[int, int, bytes]]:
        """Add a leaf hash; return the new perfect nodes (level, index, hash) to store."""
        index = self.size
        made = [(0, index, leaf)]
        level, node = 0, leaf
        while self.edge and self.edge[-1][0] == level:
            _, left = self.edge.pop()
            node = node_hash(left, node)
            level += 1
            index >>= 1
            made.append((level, index, node))
        self.edge.append((level, node))
        self.size += 1
        return made

    def root(self) -> bytes:
        if not self.edge:
            return EMPTY_ROOT
        root = self.edge[-1][1]
        for _, left in reversed(self.edge[:-1]):
            root = node_hash(left, root)
        return root
