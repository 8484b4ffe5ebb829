"""The value of each sync ads analytics column of one row, from the row's stored sums.

A row's figures come as two additive inputs (``Inputs``): ``delivery``, the row's count
of ad actions per type (``Stored.counts``: "IMPRESSION", "CLICK", ...) and sum of each
ad-action field (``Stored.sums``: "spend_micro_dollar"); and ``conversions``, the
attributed conversions keyed by ``(kind, event_name, action_source, measure)`` (kind
CLICK, ENGAGEMENT or VIEW; the Conversions API's event name and action source; COUNT,
VALUE in micro units, or QUANTITY). A missing key is 0. Inputs add up (``merge``), so a
bucket's or a total's inputs are the sum of its days' and entities', and every column is
computed from them, never from other rows' answers.

How each kind is evaluated (``catalog.ad_columns`` says what each column is):

* STORED: the delivery figure; ATTRIBUTED: the sum of the conversions whose kind is one of
  ``ATTRIBUTION_KIND_PARTS[action]``, whose event is the column's (any, when None), whose
  source is in ``SOURCE_GROUPS[source]`` and whose measure is the column's;
* DERIVED: ``Sum`` is ``scale`` times the sum of its parts; ``Ratio`` is ``scale`` times
  the sum of its numerator over the sum of its denominator, None (null) when the
  denominator is 0: there is no rate of nothing, and pinsight never makes one up;
* ENTITY: the attribute of the row's entity, or of its parent, at the column's level
  (``entities[level][attribute]``), times its scale; None when the row has no entity at
  that level (an ad group's name in an ad account's row).

Arithmetic is exact (``Fraction``); only the answer is converted, to what Pinterest's
answers use: a whole number for counts and micro-unit figures, a float for ratios and
for amounts scaled to whole currency units (money is not truncated to whole units).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from types import MappingProxyType

from pinsight.catalog.ad_columns import (
    AD_ACTION_SUMS,
    AD_ACTION_TYPES,
    ENTITY_LEVELS,
    SYNC_COLUMNS,
    AdColumn,
    Attribution,
    Part,
    Ratio,
    Sum,
)
from pinsight.catalog.ad_conversions import (
    ACTION_SOURCES,
    ATTRIBUTION_KIND_PARTS,
    CONVERSION_EVENT_NAMES,
    CONVERSION_MEASURES,
    SOURCE_GROUPS,
)

# What a conversions key's kind may be: the interaction kinds a conversion is credited to.
CONVERSION_KINDS: tuple[str, ...] = ATTRIBUTION_KIND_PARTS["TOTAL"]
DELIVERY_KEYS: frozenset[str] = frozenset(AD_ACTION_TYPES) | frozenset(AD_ACTION_SUMS)

ConversionKey = tuple[str, str, str, str]  # (kind, event_name, action_source, measure)
# Merged figures stay exact: a sum involving a float is kept as a Fraction.
Number = int | float | Fraction
Value = int | float | str | bool | None


def _frozen(mapping: Mapping) -> Mapping:
    return MappingProxyType(dict(mapping))


@dataclass(frozen=True)
class Inputs:
    """One row's additive figures. Keys are checked, so a mistyped name fails loudly
    rather than reading as 0."""

    delivery: Mapping[str, int] = field(default_factory=dict)
    conversions: Mapping[ConversionKey, Number] = field(default_factory=dict)

    def __post_init__(self) -> None:
        unknown = sorted(set(self.delivery) - DELIVERY_KEYS)
        if unknown:
            raise ValueError(f"unknown delivery figures {unknown}: keys are {sorted(DELIVERY_KEYS)}")
        for key in self.conversions:
            if not (isinstance(key, tuple) and len(key) == 4 and key[0] in CONVERSION_KINDS
                    and key[1] in CONVERSION_EVENT_NAMES and key[2] in ACTION_SOURCES
                    and key[3] in CONVERSION_MEASURES):
                raise ValueError(f"unknown conversions key {key!r}: (kind, event_name, action_source, measure)")
        for value in (*self.delivery.values(), *self.conversions.values()):
            if isinstance(value, bool) or not isinstance(value, (int, float, Fraction)):
                raise ValueError(f"a figure is a number, not {value!r}")
        object.__setattr__(self, "delivery", _frozen(self.delivery))
        object.__setattr__(self, "conversions", _frozen(self.conversions))


NOTHING = Inputs()


def _add(first: Number, second: Number) -> Number:
    if isinstance(first, int) and isinstance(second, int):
        return first + second
    return Fraction(first) + Fraction(second)  # exact: float addition would round


def _added(first: Mapping, second: Mapping) -> dict:
    total = dict(first)
    for key, value in second.items():
        total[key] = _add(total.get(key, 0), value)
    return total


def merge(first: Inputs, second: Inputs) -> Inputs:
    """The figures of two rows (days, entities) together, exactly."""
    return Inputs(_added(first.delivery, second.delivery), _added(first.conversions, second.conversions))


def merge_all(inputs: Iterable[Inputs]) -> Inputs:
    total = NOTHING
    for item in inputs:
        total = merge(total, item)
    return total


def _exact(value: Number) -> Fraction:
    return Fraction(value)  # exact for ints, floats and fractions alike


def attributed(attribution: Attribution, conversions: Mapping[ConversionKey, Number]) -> Fraction:
    """The sum of the conversions an ``Attribution`` covers."""
    kinds = ATTRIBUTION_KIND_PARTS[attribution.action]
    sources = SOURCE_GROUPS[attribution.source]
    total = Fraction(0)
    for (kind, event, source, measure), value in conversions.items():
        if (kind in kinds and source in sources and measure == attribution.measure
                and (attribution.event is None or event == attribution.event)):
            total += _exact(value)
    return total


def _part(part: Part, inputs: Inputs) -> Fraction:
    if isinstance(part, Attribution):
        return attributed(part, inputs.conversions)
    value = exact_value(SYNC_COLUMNS[part], inputs)
    if value is None:  # the catalogue's check keeps formula parts additive, never None
        raise ValueError(f"formula part {part} has no value")
    return value


def _parts(parts: Sequence[Part], inputs: Inputs) -> Fraction:
    return sum((_part(part, inputs) for part in parts), Fraction(0))


def exact_value(column: AdColumn, inputs: Inputs) -> Fraction | None:
    """A STORED, ATTRIBUTED or DERIVED column's exact value (None: a ratio over nothing)."""
    if column.kind == "STORED":
        stored = column.stored
        key = stored.counts if stored.counts is not None else stored.sums
        return _exact(inputs.delivery.get(key, 0))
    if column.kind == "ATTRIBUTED":
        return attributed(column.attribution, inputs.conversions)
    if column.kind == "DERIVED":
        formula = column.formula
        if isinstance(formula, Sum):
            return formula.scale * _parts(formula.parts, inputs)
        if isinstance(formula, Ratio):
            denominator = _parts(formula.denominator, inputs)
            if denominator == 0:
                return None
            return formula.scale * _parts(formula.numerator, inputs) / denominator
    raise ValueError(f"{column.name} is a {column.kind} column: not computed from figures")


def answers_whole(column: AdColumn) -> bool:
    """Whether the column's answer is a whole number: a count or a micro-unit figure,
    additive and never scaled down."""
    if not column.additive:
        return False
    return column.formula is None or column.formula.scale.denominator == 1


def answer(column: AdColumn, exact: Fraction | None) -> Number | None:
    """An exact value as the answer gives it (module docstring). A whole-number column whose
    inputs were not whole (a conversion value with a fraction of a micro unit) is a float."""
    if exact is None:
        return None
    if answers_whole(column) and exact.denominator == 1:
        return int(exact)
    try:
        return float(exact)
    except OverflowError:  # a ratio over a vanishing fractional figure: beyond any JSON number
        return None


def entity_value(column: AdColumn, entities: Mapping[str, Mapping[str, object]]) -> Value:
    """An ENTITY column: the attribute at its level, times its scale (None when absent)."""
    attribute = column.entity
    if attribute.level not in ENTITY_LEVELS:
        raise ValueError(f"{column.name}: unknown level {attribute.level!r}")
    value = (entities.get(attribute.level) or {}).get(attribute.attribute)
    if value is None or attribute.scale == 1:
        return value  # type: ignore[return-value]
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ValueError(f"{column.name}: {attribute.attribute} {value!r} is not an amount")
    return float(Fraction(value) * attribute.scale)


def column_value(column: AdColumn, inputs: Inputs, entities: Mapping[str, Mapping[str, object]] | None = None) -> Value:
    """One column's answer for a row with these figures and entities."""
    if column.kind == "UNSUPPORTED":
        raise ValueError(f"{column.name} is not supported: {column.reason}")
    if column.kind == "ENTITY":
        return entity_value(column, entities or {})
    return answer(column, exact_value(column, inputs))


def column_values(
    columns: Iterable[AdColumn], inputs: Inputs, entities: Mapping[str, Mapping[str, object]] | None = None,
) -> dict[str, Value]:
    """Every requested column's answer for one row, by name, in the order requested."""
    return {column.name: column_value(column, inputs, entities) for column in columns}


def uses_conversions(column: AdColumn) -> bool:
    """Whether a column is a conversion metric: attributed, or derived from attributed figures."""
    if column.kind == "ATTRIBUTED":
        return True
    if column.kind != "DERIVED":
        return False
    return any(isinstance(part, Attribution) or uses_conversions(SYNC_COLUMNS[part])
               for part in column.formula.inputs)


# ---- the fast path ---------------------------------------------------------------------------
# Stored figures are whole numbers (counts, micro units), and for whole numbers the
# answers above need no Fraction: a sum of ints is exact, and Python's int / int is
# correctly rounded, as float(Fraction(n, d)) is. ``compile_columns`` builds, once per
# request, a function per column over plain dicts of int figures, giving exactly what
# ``column_values`` gives (tests/domain/test_ads_column_values.py holds the two equal);
# it is what answering thousands of rows can afford.

Figures = Mapping[str, int]
Evaluator = Callable[[Figures, Mapping[ConversionKey, int], Mapping[str, Mapping[str, object]]], Value]


def _attribution_keys(attribution: Attribution) -> frozenset[ConversionKey]:
    kinds = ATTRIBUTION_KIND_PARTS[attribution.action]
    sources = SOURCE_GROUPS[attribution.source]
    events = CONVERSION_EVENT_NAMES if attribution.event is None else (attribution.event,)
    return frozenset((kind, event, source, attribution.measure) for kind in kinds for event in events
                     for source in sources)


def _compiled_part(part: Part) -> Callable[[Figures, Mapping], int | Fraction]:
    if isinstance(part, Attribution):
        keys = _attribution_keys(part)
        return lambda delivery, conversions: sum(value for key, value in conversions.items() if key in keys)
    return _compiled_exact(SYNC_COLUMNS[part])


def _compiled_exact(column: AdColumn) -> Callable[[Figures, Mapping], int | Fraction | None]:
    """An additive or ratio column's exact value: an int where whole, a Fraction otherwise."""
    if column.kind == "STORED":
        key = column.stored.counts if column.stored.counts is not None else column.stored.sums
        return lambda delivery, conversions: delivery.get(key, 0)
    if column.kind == "ATTRIBUTED":
        return _compiled_part(column.attribution)
    formula = column.formula
    if isinstance(formula, Sum):
        parts = [_compiled_part(part) for part in formula.parts]
        scale = formula.scale
        if scale == 1:
            return lambda delivery, conversions: sum(part(delivery, conversions) for part in parts)
        return lambda delivery, conversions: scale * sum(part(delivery, conversions) for part in parts)
    numerators = [_compiled_part(part) for part in formula.numerator]
    denominators = [_compiled_part(part) for part in formula.denominator]
    scale = formula.scale

    def ratio(delivery, conversions):
        denominator = sum(part(delivery, conversions) for part in denominators)
        if denominator == 0:
            return None
        return scale * sum(part(delivery, conversions) for part in numerators) / denominator

    return ratio


def _compiled(column: AdColumn) -> Evaluator:
    if column.kind == "ENTITY":
        return lambda delivery, conversions, entities: entity_value(column, entities)
    if column.kind == "UNSUPPORTED":
        raise ValueError(f"{column.name} is not supported: {column.reason}")
    whole = answers_whole(column)
    if column.kind == "DERIVED" and isinstance(column.formula, Ratio):
        numerators = [_compiled_part(part) for part in column.formula.numerator]
        denominators = [_compiled_part(part) for part in column.formula.denominator]
        scale = column.formula.scale

        def ratio(delivery, conversions, entities):
            denominator = sum(part(delivery, conversions) for part in denominators)
            if denominator == 0:
                return None
            numerator = sum(part(delivery, conversions) for part in numerators)
            if isinstance(numerator, int) and isinstance(denominator, int):
                return (scale.numerator * numerator) / (scale.denominator * denominator)
            return answer(column, scale * Fraction(numerator) / denominator)

        return ratio
    exact = _compiled_exact(column)

    def value(delivery, conversions, entities):
        found = exact(delivery, conversions)
        if isinstance(found, int):
            return found if whole else float(found)
        return answer(column, Fraction(found))

    return value


def compile_columns(columns: Sequence[AdColumn]) -> Callable[..., dict[str, Value]]:
    """``values(delivery, conversions, entities)``: ``column_values`` for rows whose figures
    are plain dicts of whole numbers."""
    compiled = [(column.name, _compiled(column)) for column in columns]

    def values(delivery: Figures, conversions: Mapping[ConversionKey, int],
               entities: Mapping[str, Mapping[str, object]] | None = None) -> dict[str, Value]:
        seen = entities or {}
        return {name: evaluate(delivery, conversions, seen) for name, evaluate in compiled}

    return values
