"""Async ads reports: ``analytics/create_report`` stores a job, ``analytics/get_report``
reads where it is, and a worker writes the file (``KIND``).

A report is the sync analytics' rows, by construction: the worker turns the request into
the sync report's query (``AdsAnalyticsQuery``) for each chunk of the level's entities
and runs the same row functions the sync operations run (``analytics.report_rows``,
``targeting_analytics.targeting_rows``) and the same encoders; only the wrapping differs.
So a report's cells equal a sync answer's for the same request, and a report of millions
of rows never sits whole in memory: a chunk (up to ``CHUNK_ENTITIES`` entities and about
``CHUNK_ROWS`` rows, or a week of days when sorted by date) is computed, written and
dropped.

The file, as Pinterest delivers it:

* JSON: an object keyed by the level's entity id (``primary_sort`` BY_ID) or by DATE
  (BY_DATE, for a time-based granularity), each holding that key's rows; a row is the
  sync answer's row (its id key, DATE and columns), with ``TARGETING_TYPE`` and
  ``TARGETING_VALUE`` first on a targeting level;
* CSV: a header of those keys, then a line per row.

Entities are chosen by the request's filters (ids, summary statuses, campaign
objectives; ``domain.ads.report_request``) over the account's ads and their parents; a
level pinsight keeps no entities of (keywords, product groups and items) reports none.
"""

from __future__ import annotations

import csv
import io
import operator
from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import date, timedelta
from typing import BinaryIO

import orjson

from pinsight.catalog.ad_columns import SYNC_COLUMNS
from pinsight.catalog.ad_reporting import DAY, DEFAULT_REPORT_FORMAT, HOUR, MONTH, TOTAL, WEEK
from pinsight.catalog.operations import SYNC_REPORTS, TARGETING_REPORTS
from pinsight.domain.ads import campaigns as campaign_rules
from pinsight.domain.ads import ads as ad_rules
from pinsight.domain.ads.analytics_query import AdsAnalyticsQuery
from pinsight.domain.ads.analytics_rows import encode_rows, encode_targeting_rows
from pinsight.domain.ads.report_request import ReportRequest, parse_report_request
from pinsight.domain.jobs import REPORT_DOES_NOT_EXIST, REPORT_STATUS
from pinsight.services.ads import analytics, targeting_analytics
from pinsight.services.identity.access import Actor
from pinsight.services.jobs import queue
from pinsight.services.jobs.kinds import JobContext, JobKind
from pinsight.services.runtime import Runtime
from pinsight.store.ads import ad_analytics as store
from pinsight.store.ads.ad_analytics import ReportEntity

REPORT_KIND = "ads_report"
# Entities per chunk: the sync operations' own limit of ids per request, fewer where each
# has many buckets, so that a chunk holds about ``CHUNK_ROWS`` rows at most.
CHUNK_ENTITIES = 250
CHUNK_ROWS = 20_000
_BUCKET_DAYS = {DAY: 1, WEEK: 7, MONTH: 28}  # a month: at least 28 days
# Days per chunk of a DAY report sorted by date.
CHUNK_DAYS = 7
TARGETING_TYPE = "TARGETING_TYPE"
TARGETING_VALUE = "TARGETING_VALUE"


def create_report(rt: Runtime, actor: Actor, body: object) -> dict:
    """Check the request and queue its report: the spec's AdsAnalyticsCreateAsyncResponse."""
    today = rt.clock.today()
    parse_report_request(body, today=today)
    job = queue.submit(rt, kind=REPORT_KIND, user_id=actor.principal.user_id, ad_account_id=actor.ad_account_id,
                       params={"request": body, "today": today.isoformat()})
    return {"report_status": REPORT_STATUS[job.state], "token": job.token, "message": None}


def get_report(rt: Runtime, actor: Actor, token: str) -> dict:
    """Where the report of ``token`` is: the spec's AdsAnalyticsGetAsyncResponse. A token
    of no report of this ad account is DOES_NOT_EXIST, as Pinterest answers."""
    job = queue.find(rt, token, REPORT_KIND)
    if job is None or job.ad_account_id != actor.ad_account_id:
        return {"report_status": REPORT_DOES_NOT_EXIST, "url": None, "size": None}
    link = queue.download(rt, job)
    return {"report_status": REPORT_STATUS[job.state], "url": link.url if link else None,
            "size": link.size if link else None}


# ---- the worker's side --------------------------------------------------------------

def _file_name(params: dict) -> str:
    report_format = params["request"].get("report_format") or DEFAULT_REPORT_FORMAT
    return f"report.{report_format.lower()}"


def _operation_id(request: ReportRequest) -> str:
    reports = TARGETING_REPORTS if request.level.targeting else SYNC_REPORTS
    return next(op for op, report in reports.items() if report.rows_per == request.level.rows_per)


def _selected(request: ReportRequest, entities: Sequence[ReportEntity], now: int) -> list[ReportEntity]:
    """The account's ads that the request's filters keep."""
    def kept(ad: ReportEntity) -> bool:
        checks = (
            (request.ad_ids, ad.ad_id),
            (request.ad_group_ids, ad.ad_group_id),
            (request.campaign_ids, ad.campaign_id),
            (request.ad_statuses, ad_rules.summary_status(ad.ad_status)),
            (request.ad_group_statuses,
             campaign_rules.summary_status(ad.ad_group_status, ad.ad_group_start, ad.ad_group_end, now)),
            (request.campaign_statuses,
             campaign_rules.summary_status(ad.campaign_status, ad.campaign_start, ad.campaign_end, now)),
            (request.campaign_objective_types, ad.objective_type),
        )
        return all(allowed is None or value in allowed for allowed, value in checks)

    return [ad for ad in entities if kept(ad)]


# Per row level: the entity of a selected ad it reports, and the query's id field for it.
_ENTITY_OF_AD = {"AD": ("ad_id", "ad_ids"), "AD_GROUP": ("ad_group_id", "ad_group_ids"),
                 "CAMPAIGN": ("campaign_id", "campaign_ids")}


def _base_query(request: ReportRequest, extra_columns: Sequence) -> AdsAnalyticsQuery:
    return AdsAnalyticsQuery(
        operation_id=_operation_id(request), start=request.start, end=request.end, today=request.today,
        columns=request.columns + tuple(extra_columns), granularity=request.granularity, windows=request.windows,
        conversion_report_time=request.conversion_report_time, reporting_timezone=request.reporting_timezone,
        targeting_types=request.targeting_types, attribution_type=request.attribution_type,
    )


def _chunks(request: ReportRequest, base: AdsAnalyticsQuery, account_id: int, selected: list[ReportEntity] | None
            ) -> Iterator[AdsAnalyticsQuery]:
    """The queries whose rows, in order, make the report (module docstring)."""
    rows_per = request.level.rows_per
    if rows_per == "AD_ACCOUNT":
        ad_ids = None if selected is None else tuple(ad.ad_id for ad in selected) or (0,)
        yield from _date_chunks(request, replace(base, ad_ids=ad_ids))
        return
    if selected is None:
        raise AssertionError("entity levels choose their entities")
    attribute, field = _ENTITY_OF_AD[rows_per]
    entities = sorted({getattr(ad, attribute) for ad in selected})
    if request.primary_sort == "BY_DATE" and request.granularity != TOTAL:
        if entities:
            yield from _date_chunks(request, replace(base, **{field: tuple(entities)}))
        return
    size = _entities_per_chunk(request)
    for start in range(0, len(entities), size):
        yield replace(base, **{field: tuple(entities[start:start + size])})


def _entities_per_chunk(request: ReportRequest) -> int:
    days = (request.end - request.start).days + 1
    if request.granularity == TOTAL:
        buckets = 1
    elif request.granularity == HOUR:
        buckets = 24 * days
    else:
        buckets = -(-days // _BUCKET_DAYS[request.granularity]) + 1
    per_type = max(1, len(request.targeting_types))
    return max(1, min(CHUNK_ENTITIES, CHUNK_ROWS // (buckets * per_type)))


def _date_chunks(request: ReportRequest, query: AdsAnalyticsQuery) -> Iterator[AdsAnalyticsQuery]:
    """DAY ranges split into weeks (each day is its own bucket, so the split changes no
    figure); other granularities' buckets span days, so their range is one chunk."""
    if request.granularity != DAY:
        yield query
        return
    start = request.start
    while start <= request.end:
        end = min(request.end, start + timedelta(days=CHUNK_DAYS - 1))
        yield replace(query, start=start, end=end)
        start = end + timedelta(days=1)


def _rows_of(conn, query: AdsAnalyticsQuery, account_id: int, targeting: bool) -> list[dict]:
    """A chunk's rows as the sync answer's objects (targeting: flattened, type and value first)."""
    if not targeting:
        return orjson.loads(encode_rows(query, analytics.report_rows(conn, query, account_id)))
    answer = orjson.loads(encode_targeting_rows(query, targeting_analytics.targeting_rows(conn, query, account_id)))
    return [{TARGETING_TYPE: item["targeting_type"], TARGETING_VALUE: item["targeting_value"], **item["metrics"]}
            for item in answer["data"]]


def _kept(request: ReportRequest, rows: list[dict], extra: set[str]) -> list[dict]:
    """Rows passing the metrics filters and within the hours asked, without the columns
    added only to filter by."""
    if request.metrics_filters:
        rows = [row for row in rows if all(f.keeps(row.get(f.column)) for f in request.metrics_filters)]
    if request.start_hour is not None or request.end_hour is not None:
        rows = [row for row in rows if request.within_hours(row["DATE"])]
    if extra:
        rows = [{key: value for key, value in row.items() if key not in extra} for row in rows]
    return rows


def _grouped(rows: list[dict], key: str) -> list[dict]:
    """Rows gathered by ``key``, keys in the order first met, each key's rows in their
    order (a targeting chunk's rows come type by type, each type's entity by entity)."""
    groups: dict[str, list[dict]] = {}
    for row in rows:
        groups.setdefault(row[key], []).append(row)
    return [row for group in groups.values() for row in group]


class _JsonReport:
    """``{key: [rows]}`` written as rows come, keys in the order first met (each key's rows
    arrive together: chunks partition entities, or dates)."""

    def __init__(self, sink: BinaryIO, key_of):
        self._sink, self._key_of = sink, key_of
        self._key: str | None = None
        sink.write(b"{")

    def write(self, rows: list[dict]) -> None:
        parts = []
        for row in rows:
            key = self._key_of(row)
            if key != self._key:
                parts.append((b"]," if self._key is not None else b"") + orjson.dumps(key) + b":[")
                self._key = key
            else:
                parts.append(b",")
            parts.append(orjson.dumps(row))
        self._sink.write(b"".join(parts))  # one write per chunk

    def close(self) -> None:
        self._sink.write(b"]}" if self._key is not None else b"}")


class _CsvReport:
    """A header of the first row's keys, then a line per row: each chunk's lines are
    formatted in memory and written at once (a write per row to an object store's file
    costs a call each)."""

    def __init__(self, sink: BinaryIO):
        self._sink = sink
        self._header: list[str] | None = None
        self._values = None

    def write(self, rows: list[dict]) -> None:
        if not rows:
            return
        text = io.StringIO()
        writer = csv.writer(text)
        if self._header is None:
            self._header = list(rows[0])
            self._values = operator.itemgetter(*self._header)
            writer.writerow(self._header)
        # csv writes None as an empty field; every row of a report has the header's keys.
        writer.writerows(map(self._values, rows) if len(self._header) > 1 else ([row[self._header[0]]] for row in rows))
        self._sink.write(text.getvalue().encode())

    def close(self) -> None:
        pass


def write_report(ctx: JobContext, sink: BinaryIO) -> int:
    request = parse_report_request(ctx.params["request"], today=date.fromisoformat(ctx.params["today"]))
    account_id = ctx.job.ad_account_id
    by_date = request.primary_sort == "BY_DATE" and request.granularity != TOTAL
    level = request.level
    id_key = level.id_key or "ID"
    writer = _CsvReport(sink) if request.report_format == "CSV" else _JsonReport(
        sink, (lambda row: row["DATE"]) if by_date else (lambda row: row[id_key]))
    written = 0
    if level.rows_per is not None:
        asked = {column.name for column in request.columns}
        extra = [SYNC_COLUMNS[f.column] for f in request.metrics_filters if f.column not in asked]
        base = _base_query(request, tuple(dict.fromkeys(extra)))
        with ctx.rt.engine.connect() as conn:
            selected = None
            if level.rows_per != "AD_ACCOUNT" or request.filtered:
                selected = _selected(request, store.report_entities(conn, account_id), int(ctx.rt.clock.timestamp()))
        for query in _chunks(request, base, account_id, selected):
            with ctx.rt.engine.connect() as conn:
                rows = _kept(request, _rows_of(conn, query, account_id, level.targeting), {c.name for c in extra})
            if by_date:
                rows.sort(key=lambda row: (row["DATE"], row.get(TARGETING_TYPE, ""), row.get(id_key) or ""))
            elif level.targeting:
                rows = _grouped(rows, id_key)
            writer.write(rows)
            written += len(rows)
            ctx.progress(len(rows))
    writer.close()
    return written


KIND = JobKind(REPORT_KIND, _file_name, write_report)
