"""Ads reference answers that come from rules rather than stored rows."""

from __future__ import annotations

from dataclasses import asdict

from pinsight.catalog.ad_reporting import ADS_CATEGORY, delivery_metric_columns
from pinsight.domain.ads.readiness import ready_state
from pinsight.domain.organic.analytics_period import parse_day
from pinsight.services.identity.access import Actor
from pinsight.services.runtime import Runtime


def metrics_ready_state(rt: Runtime, actor: Actor, day_text: str | None) -> dict:
    """Whether the ads metrics of a day (UTC) are final: by the runtime's clock, the same
    for every account."""
    day = parse_day(day_text, "date")
    return asdict(ready_state(day, rt.clock.today(), rt.analytics_rules.processing_days))


def delivery_metrics(rt: Runtime, actor: Actor, report_type: str | None) -> dict:
    """The definitions of the ads metrics a report of ``report_type`` can give (all when
    None), from the column catalogue (``catalog.ad_reporting.delivery_metric_columns``)."""
    return {
        "items": [
            {"name": column.name, "category": ADS_CATEGORY, "definition": column.definition,
             "display_name": column.display_name}
            for column in delivery_metric_columns(report_type)
        ]
    }
