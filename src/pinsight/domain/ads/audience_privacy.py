"""Which audience counts an answer may report: a minimum audience size T (``Settings.
audience_min_size``) that no answer, and no arithmetic over the answers of one state, can
get under.

The numbers
-----------
Three audiences are nested: E (engaged) within A (the account's total audience) within P
(everyone). Every facet is a tree of slices (interest categories with their subcategories;
countries with the US metros; ages, genders and devices flat under the root), and each
person sits at one node of it (their value; the root when the fact is unknown). An answer
about audience X reports its size |X| and, for the slices g it lists, X∩g (as a ratio of
the size: ratio × size gives the count back exactly, so the counts are what is revealed).
``R_X`` names the listed slices, with the root standing for the size.

The rule
--------
Call a number *safe* when it is 0 or at least T. Take the people of one facet in three
layers, E, A\\E and P\\A, and for each audience its *own regions*: a listed node minus its
listed descendants (the root's own region holds the unknown and unlisted values). The
listings are chosen so that

* R_E ⊆ R_A ⊆ R_P (E lists only slices A lists, A only slices P lists, sizes alike);
* P's own regions are safe (P's listing depends on P alone, so PINTEREST_TOTAL_AUDIENCE
  reads the same to every account);
* in each own region k of A, both A∩k and (P\\A)∩k are safe;
* in each own region G of E, both E∩G and (A\\E)∩G are safe;
* every listed slice of X holds at least T people of X.

``publish`` builds them bottom-up in each tree (a slice whose own regions cannot be made
safe by folding its smallest listed children back into it is itself folded into its
parent); an audience whose size cannot be listed (under T, or with a difference to the
enclosing audience under T) lists nothing and its size is reported as an upper bound: T
under T, else the enclosing audience's reported size.

Why it holds
------------
A caller who has all three answers of one state knows the counts of the listed sets and
every integer combination of them: a set S is singled out when its indicator is such a
combination (its count then follows whatever the rest of the population is). Write a
combination over the cells (layer, P-own region j): per E-region G it is
x·[E×G] + Σ_k u_k·[A×k] + Σ_j y_j·[P×j], with k the A-regions and j the P-regions within G.
Its value on a cell is x+u_k+y_j (layer E), u_k+y_j (A\\E) and y_j (P\\A). For S these are
all 0 or 1, and case by case (y ∈ {0,1}; u_k = 0 unless y is constant on k; x = 0 unless
u_k + y_j is constant on G) S is a disjoint union of the blocks E×G, (A\\E)×G, A×k,
(P\\A)×k and P×j. Each block is safe by the rules above, so |S| is 0 or at least T. Every
difference of two reported counts of nested sets (total minus engaged, a slice of P minus
the same slice of A, a size minus the sum of its listed slices, a category minus its
subcategories) is such a set. ``tests/domain/test_audience_privacy.py`` checks it on
generated populations, exhaustively over the sets of small ones.

What it does not cover, stated plainly: facets are taken one at a time. Answers about two
facets (genders and ages) bound the people in both (at least f + a - |A| are female and
25-34) but determine no such intersection unless the data's cross-tabulation is degenerate,
which the answers do not show; that is not proved here. Two states are not covered either:
a person who arrives between two calls changes a count by one, as with any exact count;
and a caller's own knowledge of people (from outside the answers) is not covered by any
threshold rule. Only whether a size is under T leaks, as the issue's rule intends.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

ROOT = ""  # the root's node key in every tree (a value's own key is never empty)


@dataclass(frozen=True)
class FacetCounts:
    """One facet's people by node: ``paths`` gives each stored value's nodes from the top
    (empty for the root), the counts are by stored value."""

    everyone: Mapping[str, int]  # P
    total: Mapping[str, int]  # A
    engaged: Mapping[str, int]  # E


@dataclass(frozen=True)
class Listing:
    """What one audience's answer may report: whether its size is exact, and per facet the
    nodes (slices) listed, each with its count."""

    exact: bool
    size: int  # the true size (reported only when exact)
    reported_size: int
    nodes: Mapping[str, Mapping[str, int]]  # facet -> node -> count of the audience in it


def _safe(count: int, minimum: int) -> bool:
    return count == 0 or count >= minimum


class _Tree:
    """A facet's nodes: children by parent, and each node's count per audience."""

    def __init__(self, counts: FacetCounts, path_of: Callable[[str], Sequence[str]]):
        self.children: dict[str, list[str]] = {ROOT: []}
        self.p: dict[str, int] = {ROOT: 0}
        self.a: dict[str, int] = {ROOT: 0}
        self.e: dict[str, int] = {ROOT: 0}
        for value in sorted(set(counts.everyone) | set(counts.total) | set(counts.engaged)):
            nodes = [ROOT, *path_of(value)]
            for parent, node in zip(nodes, nodes[1:]):
                if node not in self.p:
                    self.children[parent].append(node)
                    self.children[node] = []
                    self.p[node] = self.a[node] = self.e[node] = 0
            for node in nodes:
                self.p[node] += counts.everyone.get(value, 0)
                self.a[node] += counts.total.get(value, 0)
                self.e[node] += counts.engaged.get(value, 0)


def _listed(tree: _Tree, inner: Mapping[str, int], outer: Mapping[str, int], allowed: set[str] | None,
            minimum: int) -> set[str]:
    """The nodes (the root first) one audience lists in one tree: ``inner`` its counts,
    ``outer`` the enclosing audience's people outside it, ``allowed`` what the enclosing
    audience lists (None: anything). The caller has checked that the root can be listed."""

    def visit(node: str) -> set[str] | None:
        kept: dict[str, set[str]] = {}
        for child in tree.children[node]:
            if (allowed is None or child in allowed) and inner[child] >= minimum:
                listed = visit(child)
                if listed is not None:
                    kept[child] = listed
        own_in = inner[node] - sum(inner[child] for child in kept)
        own_out = outer[node] - sum(outer[child] for child in kept)
        while not (_safe(own_in, minimum) and _safe(own_out, minimum)):
            if not kept:
                return None
            # Fold a child back: the smallest when this node's own people are too few (one
            # fold of T or more fixes that), else the one with most people outside.
            if _safe(own_in, minimum) and any(outer[child] for child in kept):
                victim = max(kept, key=lambda child: (outer[child], child))
            else:
                victim = min(kept, key=lambda child: (inner[child], child))
            own_in += inner[victim]
            own_out += outer[victim]
            del kept[victim]
        return {node}.union(*kept.values())

    listed = visit(ROOT)
    if listed is None:  # the root alone is safe when the caller's check passed
        raise AssertionError("the root's own region must be safe once every child is folded back")
    return listed


def publish(facets: Mapping[str, FacetCounts], path_of: Mapping[str, Callable[[str], Sequence[str]]],
            minimum: int) -> dict[str, Listing]:
    """The listings of the three audiences ("P", "A", "E") over the facets. Each facet's
    counts add up to the audiences' sizes (every person has one value of every facet)."""
    trees = {facet: _Tree(counts, path_of[facet]) for facet, counts in facets.items()}
    any_tree = next(iter(trees.values()))
    sizes = {"P": any_tree.p[ROOT], "A": any_tree.a[ROOT], "E": any_tree.e[ROOT]}
    listings: dict[str, Listing] = {}
    enclosing = {"P": None, "A": "P", "E": "A"}
    for audience in ("P", "A", "E"):
        outer_name = enclosing[audience]
        size = sizes[audience]
        outer_size = sizes[outer_name] - size if outer_name else 0
        exact = (size >= minimum and _safe(outer_size, minimum)
                 and (outer_name is None or listings[outer_name].exact))
        nodes: dict[str, dict[str, int]] = {}
        if exact:
            for facet, tree in trees.items():
                inner = getattr(tree, audience.lower())
                if outer_name is None:
                    outer = dict.fromkeys(inner, 0)
                    allowed = None
                else:
                    bigger = getattr(tree, outer_name.lower())
                    outer = {node: bigger[node] - inner[node] for node in inner}
                    allowed = set(listings[outer_name].nodes[facet]) | {ROOT}
                listed = _listed(tree, inner, outer, allowed, minimum)
                nodes[facet] = {node: inner[node] for node in sorted(listed) if node != ROOT}
        if exact:
            reported = size
        elif size < minimum or outer_name is None:
            reported = minimum
        else:
            reported = listings[outer_name].reported_size
        listings[audience] = Listing(exact, size, reported, nodes)
    return listings
