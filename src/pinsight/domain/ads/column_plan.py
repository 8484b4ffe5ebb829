"""The requested sync ads analytics columns as sums of stored figures, for the database to
compute.

An answer of thousands of rows cannot afford to compute its columns one value at a time
in Python (``column_values``): the store sums and divides instead, and this module says
what. Every STORED, ATTRIBUTED and DERIVED column is, by ``catalog.ad_columns``, either a
linear combination of additive figures (a stored count or sum, or the conversions an
``Attribution`` covers) or a ratio of two such combinations. ``plan_columns`` flattens
the requested columns into:

* ``figures``: the distinct additive figures the columns read, each summed once per row
  by the store (``Figure``: a delivery figure, or a filter on the conversion rollup);
* per column, a ``Computed``: ``scale * numerator / denominator`` where each side is a
  ``Linear`` combination of those figures with whole coefficients and one divisor. A
  column without a denominator is its numerator (times its scale).

ENTITY columns are no sums: they stay ``None`` here and the service fills them in.

The plan's answers are exactly ``column_values``' (``evaluate`` computes them in Python
the same way the store does; tests hold it equal to ``column_values`` and the store's SQL
equal to it): sums are whole numbers, and a float answer is the correctly rounded
quotient of two whole numbers, as ``float(Fraction)`` is. Databases divide 64-bit floats,
which is exact as long as both whole numbers stay below 2**53 (9e15: nine thousand
million dollars in micro units), far beyond one ad account's figures.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from math import lcm

from pinsight.catalog.ad_columns import SYNC_COLUMNS, AdColumn, Attribution, Part, Ratio, Sum
from pinsight.catalog.ad_conversions import ATTRIBUTION_KIND_PARTS, SOURCE_GROUPS
from pinsight.domain.ads.column_values import ConversionKey, Value, answers_whole


@dataclass(frozen=True)
class Figure:
    """One additive figure summed per row: a delivery figure (``delivery``: an ad-action
    type such as "IMPRESSION", or "spend_micro_dollar"), or the conversions whose kind,
    event and source are among those given, in one measure (COUNT, VALUE, QUANTITY)."""

    delivery: str | None = None
    kinds: tuple[str, ...] = ()
    events: tuple[str, ...] | None = None  # None: every event name
    sources: tuple[str, ...] = ()
    measure: str | None = None

    def covers(self, key: ConversionKey) -> bool:
        kind, event, source, measure = key
        return (self.delivery is None and kind in self.kinds and source in self.sources and measure == self.measure
                and (self.events is None or event in self.events))


@dataclass(frozen=True)
class Linear:
    """``sum(coefficient * figures[index] for index, coefficient in terms) / divisor``."""

    terms: tuple[tuple[int, int], ...]
    divisor: int = 1


@dataclass(frozen=True)
class Computed:
    """How one column's answer follows from the row's figures (module docstring)."""

    name: str
    numerator: Linear | None  # None: an ENTITY column, filled in by the service
    denominator: Linear | None = None  # None: not a ratio
    scale: Fraction = Fraction(1)
    whole: bool = False  # a whole number (int) rather than a float

    @property
    def is_entity(self) -> bool:
        return self.numerator is None


@dataclass(frozen=True)
class ColumnPlan:
    figures: tuple[Figure, ...]
    columns: tuple[Computed, ...]


def _figure_of(attribution: Attribution) -> Figure:
    return Figure(kinds=ATTRIBUTION_KIND_PARTS[attribution.action],
                  events=None if attribution.event is None else (attribution.event,),
                  sources=SOURCE_GROUPS[attribution.source], measure=attribution.measure)


class _Planner:
    def __init__(self) -> None:
        self.figures: list[Figure] = []

    def index(self, figure: Figure) -> int:
        if figure not in self.figures:
            self.figures.append(figure)
        return self.figures.index(figure)

    def combination(self, parts: Sequence[Part], scale: Fraction = Fraction(1)) -> dict[int, Fraction]:
        """``scale * sum(parts)`` as {figure index: coefficient}."""
        found: dict[int, Fraction] = {}
        for part in parts:
            for index, coefficient in self.part(part).items():
                found[index] = found.get(index, Fraction(0)) + scale * coefficient
        return found

    def part(self, part: Part) -> dict[int, Fraction]:
        if isinstance(part, Attribution):
            return {self.index(_figure_of(part)): Fraction(1)}
        return self.additive(SYNC_COLUMNS[part])

    def additive(self, column: AdColumn) -> dict[int, Fraction]:
        if column.kind == "STORED":
            stored = column.stored
            return {self.index(Figure(delivery=stored.counts if stored.counts is not None else stored.sums)): Fraction(1)}
        if column.kind == "ATTRIBUTED":
            return self.part(column.attribution)
        if column.kind == "DERIVED" and isinstance(column.formula, Sum):
            return self.combination(column.formula.parts, column.formula.scale)
        raise ValueError(f"{column.name} is not additive: a formula part must be")


def _linear(combination: Mapping[int, Fraction]) -> Linear:
    divisor = lcm(1, *(coefficient.denominator for coefficient in combination.values()))
    terms = tuple(sorted((index, int(coefficient * divisor)) for index, coefficient in combination.items()
                         if coefficient != 0))
    return Linear(terms, divisor)


def plan_columns(columns: Sequence[AdColumn]) -> ColumnPlan:
    """The figures ``columns`` read and how each column follows from them (module docstring)."""
    planner = _Planner()
    computed = []
    for column in columns:
        if column.kind == "ENTITY":
            computed.append(Computed(column.name, None))
        elif column.kind == "UNSUPPORTED":
            raise ValueError(f"{column.name} is not supported: {column.reason}")
        elif column.kind == "DERIVED" and isinstance(column.formula, Ratio):
            formula = column.formula
            computed.append(Computed(column.name, _linear(planner.combination(formula.numerator)),
                                     _linear(planner.combination(formula.denominator)), formula.scale, False))
        else:
            # A Sum's scale is folded into its coefficients, so the answer is numerator / divisor.
            linear = _linear(planner.additive(column))
            whole = answers_whole(column)
            if whole and linear.divisor != 1:  # column_values would answer an int or a float by the value
                raise ValueError(f"{column.name}: a whole-number column over fractional parts")
            computed.append(Computed(column.name, linear, None, Fraction(1), whole))
    return ColumnPlan(tuple(planner.figures), tuple(computed))


def figure_values(plan: ColumnPlan, delivery: Mapping[str, int], conversions: Mapping[ConversionKey, int]) -> list[int]:
    """Each of the plan's figures for one row's stored sums (what the store's SUMs give)."""
    values = []
    for figure in plan.figures:
        if figure.delivery is not None:
            values.append(delivery.get(figure.delivery, 0))
        else:
            values.append(sum(value for key, value in conversions.items() if figure.covers(key)))
    return values


def _whole_sum(linear: Linear, figures: Sequence[int]) -> int:
    return sum(coefficient * figures[index] for index, coefficient in linear.terms)


def evaluate(computed: Computed, figures: Sequence[int]) -> Value:
    """A non-ENTITY column's answer from the row's figures, as the store computes it."""
    if computed.is_entity:
        raise ValueError(f"{computed.name} is an ENTITY column: not computed from figures")
    numerator = _whole_sum(computed.numerator, figures)
    if computed.denominator is None:
        if computed.whole and computed.numerator.divisor == 1:
            return numerator
        return numerator / computed.numerator.divisor
    denominator = _whole_sum(computed.denominator, figures)
    if denominator == 0:
        return None
    # scale * (n / dn) / (d / dd) = (scale.numerator * n * dd) / (scale.denominator * d * dn)
    top = computed.scale.numerator * numerator * computed.denominator.divisor
    bottom = computed.scale.denominator * denominator * computed.numerator.divisor
    return top / bottom
