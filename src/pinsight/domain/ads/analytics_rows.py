"""The rows of a sync ads analytics answer, shaped as the spec's responses.

Each of the five operations answers a JSON array of flat objects, one per entity and
bucket: the entity's id under the operation's key (``SyncReport.id_key``:
``AD_ACCOUNT_ID``, ``CAMPAIGN_ID``, ``AD_GROUP_ID``, ``AD_ID`` or ``PIN_ID``, a string
of digits), ``DATE`` for a time-based granularity, then the requested columns, in the
order they were asked for. As in the spec's examples, DATE comes first, then the id.

Two of the spec's rules change a row:

* ``aggregate_report_rows`` (campaigns and ad groups): one row per bucket across all the
  requested entities, without the id ("Returned as long as aggregate_report_rows is not
  true"); an id column asked for is left out with it, having no one value;
* HOUR "no longer provides data for conversion metrics, but it still returns data for
  non-conversion metrics", and "if a column has no value, it may not be returned": HOUR
  rows leave conversion columns out (``column_values.uses_conversions``). Every other
  column is present, null where it has no value (a ratio over nothing, an entity
  attribute the row does not have).

A targeting report wraps each such row with its targeting type and slice
(``encode_targeting_rows``).

Rows keep the order they are given in; the store decides it. Values are given in the
order the query asked for its columns.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache

import msgspec
import orjson

from pinsight.catalog.ad_reporting import HOUR, TIME_BASED_GRANULARITIES
from pinsight.domain.ads.analytics_query import AdsAnalyticsQuery
from pinsight.domain.ads.column_values import Value, uses_conversions

DATE = "DATE"

# One row to shape: the entity's id (None for an aggregated row), the bucket's DATE (None
# for TOTAL) and the requested columns' values, in the order the query asked for them.
RowInput = tuple[int | str | None, str | None, Sequence[Value]]


def answered_columns(query: AdsAnalyticsQuery) -> tuple[str, ...]:
    """The requested columns the rows carry, in order (module docstring)."""
    names = []
    for column in query.columns:
        if query.granularity == HOUR and uses_conversions(column):
            continue
        if query.aggregate_report_rows and column.name == query.report.id_key:
            continue
        names.append(column.name)
    return tuple(names)


def _id(value: int | str) -> str:
    text = str(value)
    if isinstance(value, bool) or not (text.isascii() and text.isdigit()):
        raise ValueError(f"an entity id is digits, not {value!r}")
    return text


@lru_cache(maxsize=256)
def _row_type(fields: tuple[str, ...]) -> type[msgspec.Struct]:
    # A struct per set of keys: msgspec writes a list of them as JSON objects several times
    # faster than building and dumping a dict per row (answers run to tens of thousands).
    return msgspec.defstruct("AnalyticsRow", [(name, object) for name in fields])


_ENCODER = msgspec.json.Encoder()


def _shaped(query: AdsAnalyticsQuery, rows: Iterable[RowInput]) -> list[msgspec.Struct]:
    """The rows as structs of the answer's keys, in the order given. A row's DATE must be
    given exactly when the granularity is time-based, and its id exactly when rows are not
    aggregated."""
    id_key = query.report.id_key
    dated = query.granularity in TIME_BASED_GRANULARITIES
    aggregated = query.aggregate_report_rows
    answered = set(answered_columns(query))
    keep = [n for n, column in enumerate(query.columns) if column.name in answered and column.name != id_key]
    every = keep == list(range(len(query.columns)))
    fields = ((DATE,) if dated else ()) + (() if aggregated else (id_key,)) + tuple(query.columns[n].name for n in keep)
    row_type = _row_type(fields)
    shaped = []
    for entity_id, label, values in rows:
        if (label is not None) != dated:
            raise ValueError(f"a {query.granularity} row {'needs' if dated else 'has no'} DATE, got {label!r}")
        if (entity_id is None) != aggregated:
            raise ValueError(f"{'an aggregated' if aggregated else 'a'} row's id: {entity_id!r}")
        if len(values) != len(query.columns):
            raise ValueError(f"a row has {len(values)} values for {len(query.columns)} columns")
        head = ((label,) if dated else ()) + (() if aggregated else (_id(entity_id),))
        shaped.append(row_type(*head, *(values if every else [values[n] for n in keep])))
    return shaped


def encode_rows(query: AdsAnalyticsQuery, rows: Iterable[RowInput]) -> bytes:
    """The answer's rows as a JSON array, in the order given (``_shaped``)."""
    return _ENCODER.encode(_shaped(query, rows))


# One row of a targeting answer: the targeting type, the slice and the row it reports.
TargetingRowInput = tuple[str, str, RowInput]


class _TargetingRow(msgspec.Struct):
    targeting_type: str
    targeting_value: str
    metrics: msgspec.Struct


class _TargetingAnswer(msgspec.Struct):
    data: list[_TargetingRow]


def encode_targeting_rows(query: AdsAnalyticsQuery, rows: Sequence[TargetingRowInput]) -> bytes:
    """A targeting report's answer (the spec's MetricsResponse): ``{"data": [...]}``, an
    item per row in the order given, ``{"targeting_type", "targeting_value", "metrics"}``
    where ``metrics`` is the row an untargeted report would give (the entity's id, DATE
    and the columns). Slice values are strings, as in seed 002's example."""
    if not query.report.targeting:
        raise ValueError(f"{query.operation_id} is not a targeting report")
    metrics = _shaped(query, (row for _, _, row in rows))
    data = [_TargetingRow(kind, str(value), shaped) for (kind, value, _), shaped in zip(rows, metrics, strict=True)]
    return _ENCODER.encode(_TargetingAnswer(data))


def shape_rows(query: AdsAnalyticsQuery, rows: Iterable[tuple[int | str | None, str | None, Mapping[str, Value]]]
               ) -> list[dict[str, Value]]:
    """``encode_rows`` for rows whose values are given by column name, as parsed JSON."""
    answered = set(answered_columns(query))  # a value left out may be missing; an answered one may not
    names = [(column.name, column.name in answered) for column in query.columns]
    return orjson.loads(encode_rows(query, ((entity, label, [values[name] if needed else values.get(name)
                                                             for name, needed in names])
                                            for entity, label, values in rows)))
