"""Audience insights of the ad account the path names: ``audience_insights/get`` (one
audience's interests and demographics) and ``audience_insights_scope_and_type/get`` (the
audiences there is something to say about).

Both read the audience rollup (``store.ads.audiences``): the account's and everyone's
people per facet value, a few hundred rows however many actions are stored, and report
only what the minimum audience size allows (``domain.ads.audience_privacy``).
"""

from __future__ import annotations

from pinsight.catalog.audiences import AUDIENCE_DEFINITIONS, AUDIENCE_INSIGHT_TYPES, EVERYONE, FACETS, PINTEREST_TOTAL
from pinsight.domain.ads.audience_insights import AUDIENCE_OF_TYPE, answer, listings
from pinsight.domain.ads.audience_privacy import FacetCounts, Listing
from pinsight.errors import ApiError
from pinsight.services.identity.access import Actor
from pinsight.services.runtime import Runtime
from pinsight.store.ads import audiences as store


def _read(rt: Runtime, account_id: int) -> tuple[dict[str, Listing], dict[int, object]]:
    with rt.engine.connect() as conn:
        counts = store.slice_counts(conn, [account_id, EVERYONE])
        days = {scope: store.last_day(conn, scope) for scope in (account_id, EVERYONE)}
    account, everyone = counts[account_id], counts[EVERYONE]
    facets = {
        facet: FacetCounts(everyone={value: people for value, (people, _) in everyone[facet].items()},
                           total={value: people for value, (people, _) in account[facet].items()},
                           engaged={value: engaged for value, (_, engaged) in account[facet].items() if engaged})
        for facet in FACETS
    }
    return listings(facets, rt.settings.audience_min_size), days


def audience_insights(rt: Runtime, actor: Actor, insight_type: str | None) -> dict:
    if insight_type not in AUDIENCE_INSIGHT_TYPES:
        raise ApiError(f"audience_insight_type must be one of {', '.join(AUDIENCE_INSIGHT_TYPES)}.")
    found, days = _read(rt, actor.ad_account_id)
    return answer(insight_type, found, _day(rt, days, insight_type, actor.ad_account_id))


def audience_definitions(rt: Runtime, actor: Actor) -> dict:
    """The audiences whose insights report a size that is not a bound (so listing one says
    no more than its insights' ``size_is_upper_bound`` does)."""
    found, days = _read(rt, actor.ad_account_id)
    items = []
    for insight_type, scope, kind in AUDIENCE_DEFINITIONS:
        if found[AUDIENCE_OF_TYPE[insight_type]].exact:
            day = _day(rt, days, insight_type, actor.ad_account_id)
            items.append({"scope": scope, "type": kind, "date": day.isoformat()})
    return {"items": items}


def _day(rt: Runtime, days: dict, insight_type: str, account_id: int):
    """The newest day the audience's data reaches: the account's for its audiences, the
    whole population's for Pinterest's; today when there is none yet."""
    scope = EVERYONE if insight_type == PINTEREST_TOTAL else account_id
    return days.get(scope) or rt.clock.today()
