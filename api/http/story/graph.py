"""Who did what, as a picture (issue 19 point 3): for a decision, its makers, its evaluation
cases, the persons who acted in them and the findings naming persons (责任倒查, XX-18; 国令第713号
第三十八条); for a person, the cases and decisions they acted on and the findings naming them.

Pure: a trace or a chain in, nodes and edges placed in columns by kind, in a fixed order. Each
column holds at most :data:`MAX_PER_COLUMN` nodes; the rest are counted in one last node, so a
person with ten thousand acts is a picture of their busiest cases with a count.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

MAX_PER_COLUMN = 12
NODE_W, NODE_H = 170, 38
COLUMN_GAP = 140
ROW = 52
TOP = 40
LEFT = 20

Word = Callable[..., str]


@dataclass
class Node:
    id: str
    column: int
    label: str
    sub: str = ""
    href: str = ""
    kind: str = "person"  # person, decision, case, finding, more
    x: float = 0
    y: float = 0
    full: str = ""  # the whole label (the node shows it shortened)


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    label: str


@dataclass
class Graph:
    columns: list[str]
    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    width: int = 0
    height: int = 0
    _index: dict[str, Node] = field(default_factory=dict, repr=False)
    _linked: set[Edge] = field(default_factory=set, repr=False)

    def node(self, node_id: str) -> Node | None:
        return self._index.get(node_id)

    def add(self, node: Node) -> Node:
        found = self._index.get(node.id)
        if found is not None:
            return found
        self._index[node.id] = node
        self.nodes.append(node)
        return node

    def link(self, source: str, target: str, label: str) -> None:
        edge = Edge(source, target, label)
        if edge not in self._linked:
            self._linked.add(edge)
            self.edges.append(edge)


def short(text: str | None, size: int = 12) -> str:
    text = text or ""
    return text if len(text) <= size else text[: size - 1] + "…"


def place(graph: Graph, word: Word) -> Graph:
    """Columns left to right by kind; within a column, the order the nodes were added, capped at
    :data:`MAX_PER_COLUMN` (the rest become one counted node). Edges to nodes left out are dropped."""
    kept: list[Node] = []
    for column in range(len(graph.columns)):
        held = [n for n in graph.nodes if n.column == column]
        shown = held if len(held) <= MAX_PER_COLUMN else held[: MAX_PER_COLUMN - 1]
        if len(shown) < len(held):
            shown.append(Node(f"more-{column}", column, word("more_nodes", len(held) - len(shown)),
                              word("in_all", len(held)), kind="more"))
        for row, node in enumerate(shown):
            node.full, node.label = node.full or node.label, short(node.full or node.label)
            node.sub = short(node.sub, 15)
            node.x = LEFT + column * (NODE_W + COLUMN_GAP)
            node.y = TOP + row * ROW
        kept += shown
    ids = {n.id for n in kept}
    graph.nodes = kept
    graph._index = {n.id: n for n in kept}
    graph.edges = [e for e in graph.edges if e.source in ids and e.target in ids]
    rows = max([sum(1 for n in kept if n.column == c) for c in range(len(graph.columns))] + [1])
    graph.width = 2 * LEFT + len(graph.columns) * NODE_W + (len(graph.columns) - 1) * COLUMN_GAP
    graph.height = TOP + rows * ROW + 10
    return graph


@dataclass(frozen=True)
class Route:
    """An edge's path from the side of one node to the facing side of the other, and where its
    label goes: beside the end with fewer edges, so the labels of a fan never pile up."""

    edge: Edge
    source: Node
    target: Node
    x1: float
    y1: float
    x2: float
    y2: float
    lx: float
    ly: float
    anchor: str  # SVG text-anchor: "start" or "end"


def routes(graph: Graph) -> list[Route]:
    degree: Counter[str] = Counter()
    for edge in graph.edges:
        degree[edge.source] += 1
        degree[edge.target] += 1
    out = []
    for edge in graph.edges:
        s, d = graph._index[edge.source], graph._index[edge.target]
        right = d.x >= s.x
        x1, x2 = (s.x + NODE_W, d.x) if right else (s.x, d.x + NODE_W)
        y1, y2 = s.y + NODE_H / 2, d.y + NODE_H / 2
        if degree[edge.source] <= degree[edge.target]:  # beside the source
            lx, ly, anchor = (x1 + 6, y1 - 4, "start") if right else (x1 - 6, y1 - 4, "end")
        else:  # beside the target
            lx, ly, anchor = (x2 - 10, y2 - 4, "end") if right else (x2 + 10, y2 - 4, "start")
        out.append(Route(edge, s, d, x1, y1, x2, y2, lx, ly, anchor))
    return out


def _acts_label(word: Word, action: Callable[[str], str], actions: Sequence[str] | Counter[str]) -> str:
    counted = actions if isinstance(actions, Counter) else Counter(actions)
    total = sum(counted.values())
    first = action(counted.most_common(1)[0][0])
    return word("edge_act", first) if total == 1 else word("edge_acts", first, total)


def grouped(acts: Sequence[Mapping[str, Any]], keys: Sequence[str]) -> list[dict[str, Any]]:
    """Acts counted as the store counts them (:mod:`projections.chain_page`): one row per distinct
    ``keys`` with ``n``, in the order of each group's first act (issue 19 — perf: the pictures
    read counts, not every act)."""
    rows: dict[tuple[Any, ...], dict[str, Any]] = {}
    for act in acts:
        key = tuple(act.get(k) for k in keys)
        if key not in rows:
            rows[key] = {**dict(zip(keys, key, strict=True)), "n": 0}
        rows[key]["n"] += 1
    return list(rows.values())


def decision_graph(trace: Mapping[str, Any], word: Word, action: Callable[[str], str],
                   term: Callable[[str], str], names: Mapping[str, str] | None = None,
                   rule: Callable[[str], str] = str) -> Graph:
    """责任倒查 (XX-18) as a picture: the undertaking unit, makers and demonstrators → the decision →
    its cases ← the agencies entrusted and the persons who acted in them ← the findings naming them.
    ``names``: the names of the units and agencies the trace gives by id."""
    names = names or {}
    d = trace["decision"]
    graph = Graph([word("col_makers"), word("col_decision"), word("col_cases"), word("col_evaluators"),
                   word("col_findings")])
    decision = graph.add(Node(f"d:{d['decision_id']}", 1, d["title"], d.get("document_number") or "",
                              f"/decisions/{d['decision_id']}/trace", "decision"))
    for maker in trace.get("makers", []):
        node = graph.add(Node(f"m:{maker['principal_id']}", 0, maker.get("name") or "—", maker.get("unit") or "",
                              f"/persons/{maker['principal_id']}"))
        graph.link(node.id, decision.id, word(f"role_{maker['role']}"))
        if (unit := maker.get("undertaking_unit_id")) is not None:
            unit_node = graph.add(Node(f"u:{unit}", 0, names.get(unit) or "—", word("undertaking_unit"), kind="unit"))
            graph.link(unit_node.id, decision.id, word("edge_undertook"))
    for n, demonstrator in enumerate(d.get("demonstrators") or []):
        pid = demonstrator.get("principal_id")
        node = graph.add(Node(f"m:{pid}" if pid else f"demo:{n}", 0, demonstrator["name"], word("demonstrator"),
                              f"/persons/{pid}" if pid else "", "person" if pid else "outside"))
        graph.link(node.id, decision.id, word("edge_demonstrated"))
    cases = {c["case_id"]: c for c in trace.get("cases", [])}
    for case in cases.values():
        node = graph.add(Node(f"c:{case['case_id']}", 2, case["title"], case.get("lead_unit") or "",
                              f"/cases/{case['case_id']}", "case"))
        graph.link(decision.id, node.id, word("edge_evaluates"))
    by_person: dict[tuple[str, str], Counter[str]] = {}
    # the acts counted (``acted``: by person, case and action, in the order of each group's first
    # act), or counted here from every act; the entrustments name the agencies
    acted = trace["acted"] if "acted" in trace else grouped(trace.get("actions", []), ("actor_id", "case_id", "action"))
    for group in acted:
        if group.get("case_id") in cases:
            by_person.setdefault((group["actor_id"], group["case_id"]), Counter())[group["action"]] += int(group["n"])
    for act in trace.get("actions", []):
        if act.get("case_id") in cases and act["action"] == "case.entrust_agency" \
                and (agency := (act.get("args") or {}).get("agency_id")):
            agency_node = graph.add(Node(f"a:{agency}", 3, names.get(agency) or "—", word("agency"), kind="agency"))
            graph.link(agency_node.id, f"c:{act['case_id']}", word("edge_entrusted"))
    persons = {p["principal_id"]: p for p in trace.get("persons", [])}
    for (who, case_id), actions in by_person.items():
        person = persons.get(who, {})
        node = graph.add(Node(f"p:{who}", 3, person.get("name") or "—", person.get("unit") or "", f"/persons/{who}"))
        graph.link(node.id, f"c:{case_id}", _acts_label(word, action, actions))
    for finding in trace.get("findings", []):
        node = graph.add(Node(f"f:{finding['finding_id']}", 4, rule(finding["rule"]), finding.get("summary") or "",
                              f"/cases/{finding['case_id']}/versions/{finding['version']}", "finding"))
        named = finding.get("persons") or []
        for person in named:
            pid = person["principal_id"]
            target = f"p:{pid}" if graph.node(f"p:{pid}") else f"m:{pid}"
            if graph.node(target) is None:
                graph.add(Node(f"p:{pid}", 3, "—", "", f"/persons/{pid}"))
                target = f"p:{pid}"
            label = (word("edge_named_as", term(person["responsibility"])) if person.get("responsibility")
                     else word("edge_named"))
            graph.link(node.id, target, label)
        if not named:
            graph.link(node.id, f"c:{finding['case_id']}", word("edge_found_in"))
    return place(graph, word)


def person_graph(chain: Mapping[str, Any], titles: Mapping[str, str], decisions: Mapping[str, Mapping[str, Any]],
                 word: Word, action: Callable[[str], str], term: Callable[[str], str],
                 rule: Callable[[str], str] = str) -> Graph:
    """A person's part: the person → the cases they acted on (busiest first, with what they did) →
    the decisions those cases evaluate; the findings naming them → the person."""
    p = chain["principal"]
    graph = Graph([word("col_findings"), word("col_person"), word("col_cases"), word("col_decisions")])
    me = graph.add(Node(f"p:{p['principal_id']}", 1, p.get("name") or "—", p.get("unit") or "",
                        f"/persons/{p['principal_id']}"))
    by_case: dict[str, Counter[str]] = {}
    decision_of: dict[str, str] = {}
    on_decision: dict[str, int] = {}
    # the acts counted (``acted``: by case, decision, kind of aggregate and action, in the order of
    # each group's first act), or counted here from every act
    acted = chain["acted"] if "acted" in chain else grouped(
        chain.get("actions", []), ("case_id", "decision_id", "aggregate_type", "action"))
    for group in acted:
        if group.get("case_id"):
            by_case.setdefault(group["case_id"], Counter())[group["action"]] += int(group["n"])
            if group.get("decision_id"):
                decision_of[group["case_id"]] = group["decision_id"]
        elif group.get("aggregate_type") == "Decision" and group.get("decision_id"):
            on_decision[group["decision_id"]] = on_decision.get(group["decision_id"], 0) + int(group["n"])
    for finding in chain.get("findings", []):
        by_case.setdefault(finding["case_id"], Counter())
        if finding.get("decision_id"):
            decision_of.setdefault(finding["case_id"], finding["decision_id"])
    busiest = sorted(by_case.items(), key=lambda item: (-item[1].total(), titles.get(item[0], ""), item[0]))
    for case_id, actions in busiest:
        node = graph.add(Node(f"c:{case_id}", 2, titles.get(case_id, case_id), word("acts_count", actions.total()),
                              f"/cases/{case_id}", "case"))
        if actions:
            graph.link(me.id, node.id, _acts_label(word, action, actions))
    for case_id, _ in busiest:
        if (decision_id := decision_of.get(case_id)) is not None:
            _decision_node(graph, decision_id, decisions)
            graph.link(f"c:{case_id}", f"dc:{decision_id}", word("edge_evaluates"))
    for decision_id, count in on_decision.items():
        node = _decision_node(graph, decision_id, decisions)
        graph.link(me.id, node.id, word("edge_signed_decision", count))
    for dissent in chain.get("dissent", []):
        node = _decision_node(graph, dissent["decision_id"], decisions)
        graph.link(me.id, node.id, word("edge_dissent"))
    for finding in chain.get("findings", []):
        node = graph.add(Node(f"f:{finding['finding_id']}", 0, rule(finding["rule"]), finding.get("summary") or "",
                              f"/cases/{finding['case_id']}/versions/{finding['version']}", "finding"))
        label = (word("edge_named_as", term(finding["responsibility"])) if finding.get("responsibility")
                 else word("edge_named"))
        graph.link(node.id, me.id, label)
    return place(graph, word)


def _decision_node(graph: Graph, decision_id: str, decisions: Mapping[str, Mapping[str, Any]]) -> Node:
    d = decisions.get(decision_id, {})
    return graph.add(Node(f"dc:{decision_id}", 3, d.get("title") or decision_id, d.get("document_number") or "",
                          f"/decisions/{decision_id}/graph", "decision"))
