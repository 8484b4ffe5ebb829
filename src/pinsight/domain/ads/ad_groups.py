"""The rules an ad group keeps as a whole: pure functions of its fields (as it would be
stored) and of its campaign's, each answering the first problem found, or None.

They come from the spec's text for the ad group fields: a schedule inside the campaign's,
the budget a campaign with or without campaign budget optimization (CBO) needs, the bid some
objectives need, a lifetime frequency cap only with an end and per impression, the
optimization goal web-conversion campaigns need, and targeting that names ages consistently
and a place. Field types and enumerations are the request models' (``services.ads.requests``).
"""

from __future__ import annotations

from collections.abc import Mapping

from pinsight.catalog import targeting_dictionaries as dictionaries
from pinsight.catalog.ads import (
    AUTOMATIC_BID,
    BID_REQUIRED_FOR,
    CBO_BUDGET_TYPE,
    CLEAR_TARGETING_TEMPLATES,
    FREQUENCY_CAP_BILLABLE_EVENT,
    GOAL_REQUIRED_FOR_OBJECTIVE,
    MAX_BID_MULTIPLIER,
    MAX_TARGETED_AGE,
    MIN_BID_MULTIPLIER,
    MIN_TARGETED_AGE,
    OPEN_MAXIMUM_AGE,
)

# Fields a targeting template replaces: an item that names a template sets none of them.
TEMPLATE_EXCLUSIVE_FIELDS = ("targeting_spec", "tracking_urls", "auto_targeting_enabled", "placement_group")
# Fields only a DRAFT ad group may change (the spec's BudgetType and ActionType).
DRAFT_ONLY_FIELDS = ("budget_type", "billable_event")


def problem(ad_group: Mapping, campaign: Mapping) -> str | None:
    """The first rule ``ad_group`` breaks under ``campaign`` (both as stored), or None."""
    for check in (_name, _schedule, _budget, _bid, _frequency_cap, _goal):
        found = check(ad_group, campaign)
        if found:
            return found
    return targeting_problem(ad_group.get("targeting_spec") or {})


def _name(ad_group: Mapping, campaign: Mapping) -> str | None:
    return None if ad_group["name"] else "name must not be empty."


def _schedule(ad_group: Mapping, campaign: Mapping) -> str | None:
    start, end = ad_group["start_time"], ad_group["end_time"]
    if start is not None and end is not None and end <= start:
        return "end_time must be after start_time."
    # "Cannot precede start_time for parent campaign" / "cannot occur after end_time for parent campaign".
    if start is not None and campaign["start_time"] is not None and start < campaign["start_time"]:
        return "start_time cannot precede the campaign's start_time."
    if campaign["end_time"] is not None:
        if end is not None and end > campaign["end_time"]:
            return "end_time cannot be after the campaign's end_time."
        if start is not None and start >= campaign["end_time"]:
            return "start_time must be before the campaign's end_time."
    return None


def _budget(ad_group: Mapping, campaign: Mapping) -> str | None:
    budget_type = ad_group.get("budget_type")
    if campaign["is_campaign_budget_optimization"]:
        # The campaign budget is spread over its ad groups: theirs is derived, and paced evenly.
        if budget_type != CBO_BUDGET_TYPE:
            return f"an ad group of a campaign budget optimization campaign has budget_type {CBO_BUDGET_TYPE}."
        if ad_group.get("pacing_delivery_type") != "STANDARD":
            return "an ad group of a campaign budget optimization campaign has pacing_delivery_type STANDARD."
    else:
        if budget_type == CBO_BUDGET_TYPE:
            return f"budget_type {CBO_BUDGET_TYPE} is only for campaigns with campaign budget optimization."
        if ad_group.get("budget_in_micro_currency") is None:
            return "budget_in_micro_currency is required for an ad group of a campaign without budget optimization."
    if budget_type == "LIFETIME" and ad_group["end_time"] is None:
        return "a LIFETIME budget needs an end_time."
    return None


def _bid(ad_group: Mapping, campaign: Mapping) -> str | None:
    pair = (campaign["objective_type"], ad_group.get("billable_event"))
    if (pair in BID_REQUIRED_FOR and ad_group.get("bid_strategy_type") != AUTOMATIC_BID
            and ad_group.get("bid_in_micro_currency") is None):
        return f"bid_in_micro_currency is required for a {pair[0]} campaign's ad group billed on {pair[1]}."
    multiplier = ad_group.get("bid_multiplier")
    if multiplier is not None and not MIN_BID_MULTIPLIER <= multiplier <= MAX_BID_MULTIPLIER:
        return f"bid_multiplier is 0 (none) or {MIN_BID_MULTIPLIER} to {MAX_BID_MULTIPLIER}."
    return None


def _frequency_cap(ad_group: Mapping, campaign: Mapping) -> str | None:
    if ad_group.get("lifetime_frequency_cap") is None:
        return None
    if ad_group["end_time"] is None:
        return "lifetime_frequency_cap needs an end_time."
    if ad_group.get("billable_event") != FREQUENCY_CAP_BILLABLE_EVENT:
        return f"lifetime_frequency_cap is only for ad groups billed on {FREQUENCY_CAP_BILLABLE_EVENT}."
    return None


def _goal(ad_group: Mapping, campaign: Mapping) -> str | None:
    if campaign["objective_type"] == GOAL_REQUIRED_FOR_OBJECTIVE and not ad_group.get("optimization_goal_metadata"):
        return f"optimization_goal_metadata is required for an ad group of a {GOAL_REQUIRED_FOR_OBJECTIVE} campaign."
    return None


def targeting_problem(spec: Mapping) -> str | None:
    """Ages as a bucket or as a range (18 to 65, "65+" as a maximum), never both; places,
    interests and locales that the targeting dictionaries know (``catalog.targeting_dictionaries``;
    GEO as region codes or postal codes, not both); and, when the spec targets anything, a
    place (LOCATION or GEO)."""
    minimum, maximum = spec.get("MINIMUM_AGE"), spec.get("MAXIMUM_AGE")
    if (minimum is None) != (maximum is None):
        return "targeting_spec: MINIMUM_AGE and MAXIMUM_AGE go together."
    if minimum is not None:
        if spec.get("AGE_BUCKET"):
            return "targeting_spec: AGE_BUCKET cannot be combined with MINIMUM_AGE and MAXIMUM_AGE."
        low = _age(minimum)
        high = MAX_TARGETED_AGE if maximum == OPEN_MAXIMUM_AGE else _age(maximum)
        ages = range(MIN_TARGETED_AGE, MAX_TARGETED_AGE + 1)
        if low not in ages or high not in ages:
            return (f'targeting_spec: MINIMUM_AGE is "{MIN_TARGETED_AGE}" to "{MAX_TARGETED_AGE}", '
                    f'MAXIMUM_AGE the same or "{OPEN_MAXIMUM_AGE}".')
        if low > high:
            return "targeting_spec: MINIMUM_AGE must not be above MAXIMUM_AGE."
    unknown = [code for code in spec.get("LOCATION") or ()
               if not (dictionaries.is_country_code(code) or dictionaries.is_dma_code(code))]
    if unknown:
        return (f"targeting_spec: unknown LOCATION {unknown[0]!r} (a country code or a US metro (DMA) code, "
                "as GET /v5/resources/targeting/LOCATION lists them).")
    geo = spec.get("GEO") or ()
    unknown = [code for code in geo if not (dictionaries.is_subdivision_code(code) or _postal(code))]
    if unknown:
        return (f"targeting_spec: unknown GEO {unknown[0]!r} (an ISO 3166-2 region code such as \"BE-VOV\", or a "
                "postal code such as \"US-94107\").")
    if any(map(_postal, geo)) and not all(map(_postal, geo)):
        return "targeting_spec: GEO holds region codes or postal codes, not both."
    unknown = [value for value in spec.get("INTEREST") or () if not dictionaries.is_interest(value)]
    if unknown:
        return (f"targeting_spec: unknown INTEREST {unknown[0]!r} (an interest id, as GET "
                "/v5/resources/targeting/INTEREST lists them).")
    unknown = [code for code in spec.get("LOCALE") or () if not dictionaries.is_locale(code)]
    if unknown:
        return f"targeting_spec: unknown LOCALE {unknown[0]!r} (as GET /v5/resources/targeting/LOCALE lists them)."
    if any(spec.values()) and not (spec.get("LOCATION") or spec.get("GEO")):
        return "targeting_spec: at least one of LOCATION or GEO must be specified."
    return None


def _age(value: str) -> int | None:
    """An age as the spec writes one ("18"); None for anything else (ASCII digits only, few of them)."""
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 3 else None


def _postal(code: str) -> bool:
    """A postal code as GEO takes one: a country, a dash and 3 to 10 ASCII digits ("US-94107")."""
    country, dash, digits = code.partition("-")
    return (bool(dash) and dictionaries.is_country_code(country) and 3 <= len(digits) <= 10 and digits.isascii()
            and digits.isdigit())


def template_problem(sent: Mapping) -> str | None:
    """An item that applies a targeting template sets no targeting of its own (the spec's
    targeting_template_ids); ``sent`` holds the fields the item set, by name."""
    templates = sent.get("targeting_template_ids")
    if not templates or templates == [CLEAR_TARGETING_TEMPLATES]:
        return None
    clashing = [field for field in TEMPLATE_EXCLUSIVE_FIELDS if sent.get(field) is not None]
    if clashing:
        return f"targeting_template_ids cannot be sent with {', '.join(clashing)}."
    return None


def draft_only_problem(stored: Mapping, changes: Mapping) -> str | None:
    """Budget type and billable event change only while the ad group is a DRAFT."""
    if stored["status"] == "DRAFT":
        return None
    for field in DRAFT_ONLY_FIELDS:
        if field in changes and changes[field] != stored.get(field):
            return f"{field} can only be changed on a DRAFT ad group."
    return None
