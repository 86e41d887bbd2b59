"""RFC 9162 Merkle trees against the published RFC 6962 vectors (transparency-dev/merkle,
testonly/constants.go, used as data), and exhaustively over every tree shape up to 70 leaves."""

from __future__ import annotations

from functools import partial

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.evidence.merkle import (
    EMPTY_ROOT,
    Frontier,
    ProofError,
    consistency_path,
    inclusion_path,
    leaf_hash,
    mth,
    nodes_read,
    perfect_cover,
    root_of,
    verify_consistency,
    verify_inclusion,
)

DATA = [bytes.fromhex(h) for h in [
    "", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f",
]]
ROOTS = [
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
INCLUSION = [
    (0, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
    (5, 8, ["bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
]
CONSISTENCY = [
    (2, 8, ["5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
    (6, 8, ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
    (2, 5, ["5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]),
]
LEAVES = [leaf_hash(d) for d in DATA]


def oracle(leaves: list[bytes]):  # type: ignore[no-untyped-def]
    return lambda start, end: root_of(leaves[start:end])


def test_roots_match_the_published_vectors() -> None:
    assert EMPTY_ROOT.hex() == ROOTS[0]
    for n in range(1, 9):
        assert root_of(LEAVES[:n]).hex() == ROOTS[n]


@pytest.mark.parametrize(("index", "size", "path"), INCLUSION)
def test_inclusion_paths_match_the_published_vectors(index: int, size: int, path: list[str]) -> None:
    assert [p.hex() for p in inclusion_path(index, size, oracle(LEAVES))] == path
    verify_inclusion(LEAVES[index], index, size, [bytes.fromhex(p) for p in path], bytes.fromhex(ROOTS[size]))


@pytest.mark.parametrize(("old", "new", "path"), CONSISTENCY)
def test_consistency_paths_match_the_published_vectors(old: int, new: int, path: list[str]) -> None:
    assert [p.hex() for p in consistency_path(old, new, oracle(LEAVES))] == path
    verify_consistency(old, new, bytes.fromhex(ROOTS[old]), bytes.fromhex(ROOTS[new]), [bytes.fromhex(p) for p in path])


MANY = [leaf_hash(bytes([i, i * 7 % 256])) for i in range(70)]


def test_the_frontier_and_stored_nodes_give_every_root() -> None:
    frontier, nodes = Frontier(), {}
    for n, leaf in enumerate(MANY, start=1):
        for level, index, value in frontier.append(leaf):
            nodes[(level, index)] = value
        assert frontier.root() == root_of(MANY[:n])
        assert mth(0, n, lambda lv, ix: nodes[(lv, ix)]) == root_of(MANY[:n])
        assert [lv for lv, _ in frontier.edge] == [lv for lv, _ in Frontier.levels(n)]
    assert len(nodes) < 2 * len(MANY)


def test_every_inclusion_proof_in_every_tree_size_verifies_and_nothing_else() -> None:
    for size in range(1, 71):
        tree, root = MANY[:size], root_of(MANY[:size])
        for index in range(size):
            path = inclusion_path(index, size, oracle(tree))
            verify_inclusion(tree[index], index, size, path, root)
            for wrong in ((index + 1) % size, ):
                if wrong != index:
                    with pytest.raises(ProofError):
                        verify_inclusion(tree[index], wrong, size, path, root)
            if path:
                with pytest.raises(ProofError):
                    verify_inclusion(tree[index], index, size, path[:-1], root)
                with pytest.raises(ProofError):
                    verify_inclusion(tree[index], index, size, [*path[:-1], bytes(32)], root)
            with pytest.raises(ProofError):
                verify_inclusion(leaf_hash(b"other"), index, size, path, root)


def test_every_consistency_proof_between_every_pair_of_sizes_verifies() -> None:
    for new in range(1, 41):
        for old in range(new + 1):
            path = consistency_path(old, new, oracle(MANY))
            old_root, new_root = root_of(MANY[:old]), root_of(MANY[:new])
            verify_consistency(old, new, old_root, new_root, path)
            if 0 < old < new:
                with pytest.raises(ProofError):
                    verify_consistency(old, new, leaf_hash(b"x"), new_root, path)
                with pytest.raises(ProofError):
                    verify_consistency(old, new, old_root, leaf_hash(b"x"), path)
                with pytest.raises(ProofError):
                    verify_consistency(old, new, old_root, new_root, path[:-1])


def test_a_rewritten_history_is_not_consistent() -> None:
    rewritten = [*MANY[:10], leaf_hash(b"forged"), *MANY[11:30]]
    path = consistency_path(20, 30, oracle(rewritten))
    with pytest.raises(ProofError):
        verify_consistency(20, 30, root_of(MANY[:20]), root_of(rewritten[:30]), path)


@given(st.integers(min_value=1, max_value=3000), st.data())
def test_proofs_at_random_sizes(size: int, data: st.DataObject) -> None:
    leaves = [leaf_hash(i.to_bytes(4, "big")) for i in range(size)]
    frontier, nodes = Frontier(), {}
    for leaf in leaves:
        for level, index, value in frontier.append(leaf):
            nodes[(level, index)] = value

    def subtree(start: int, end: int) -> bytes:
        return mth(start, end, lambda lv, ix: nodes[(lv, ix)])

    index = data.draw(st.integers(min_value=0, max_value=size - 1))
    verify_inclusion(leaves[index], index, size, inclusion_path(index, size, subtree), frontier.root())
    old = data.draw(st.integers(min_value=0, max_value=size))
    verify_consistency(old, size, subtree(0, old), frontier.root(), consistency_path(old, size, subtree))



class Recording:
    """A subtree oracle over placeholder hashes that records the perfect nodes read."""

    def __init__(self) -> None:
        self.read: list[tuple[int, int]] = []

    def perfect(self, level: int, index: int) -> bytes:
        self.read.append((level, index))
        return LEAVES[0]

    def subtree(self, start: int, end: int) -> bytes:
        return mth(start, end, self.perfect)


def test_perfect_cover_is_what_mth_reads() -> None:
    for end in range(71):
        for start in range(end + 1):
            recording = Recording()
            recording.subtree(start, end)
            assert perfect_cover(start, end) == recording.read


def test_nodes_read_are_the_nodes_a_proof_reads() -> None:
    """What a store fetches ahead is exactly what the proof then asks for, for every shape."""
    for size in range(1, 71):
        for index in range(size + 1):
            proofs = [partial(consistency_path, index, size)]
            if index < size:
                proofs.append(partial(inclusion_path, index, size))
            for proof in proofs:
                recording = Recording()
                proof(recording.subtree)
                assert nodes_read(proof) == list(dict.fromkeys(recording.read))
