"""Request bodies of the ads area, as Pinterest's spec defines them.

Campaign items are checked one by one (``services.ads.campaigns``): an item these models
refuse gets its own exception in the answer while the others are written. The models are
strict (no strings for numbers or booleans), and every bound a column needs is checked
here, so nothing out of range reaches SQL.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from pinsight.catalog.ads import (
    AGE_BUCKETS,
    BID_STRATEGY_TYPES,
    BILLABLE_EVENTS,
    BUDGET_TYPES,
    COUNTRIES,
    CREATABLE_STATUSES,
    CURRENCIES,
    CUSTOMIZABLE_CTA_TYPES,
    DISCLOSURE_TYPES,
    ENTITY_STATUSES,
    FREQUENCY_TIME_RANGES,
    GENDERS,
    LEARNING_MODE_TYPES,
    MAX_AD_NAME_LENGTH,
    MAX_BID_MULTIPLIER,
    MAX_CAROUSEL_CARDS,
    MAX_FREQUENCY_GOAL,
    MAX_TARGETING_TEMPLATES,
    MAX_TARGETING_VALUES,
    MAX_TRACKING_URL_LENGTH,
    MAX_TRACKING_URLS_PER_EVENT,
    MIN_FREQUENCY_GOAL,
    OBJECTIVE_TYPES,
    OPTIMIZATION_CONVERSION_EVENTS,
    PACING_DELIVERY_TYPES,
    PLACEMENT_GROUPS,
    PROMOTION_APPLICATION_LEVELS,
    QUIZ_TIE_BREAKER_TYPES,
    TARGETING_APP_TYPES,
    TARGETING_STRATEGIES,
)
from pinsight.catalog.pin_formats import CREATIVE_TYPES
from pinsight.services.content.requests import NumericId, Text

# Amounts in micro-currency and Unix seconds: within a signed 64-bit column.
_MAX_BIGINT = 2**63 - 1
# The last second of the year 9999: a schedule further out is a mistake.
MAX_TIMESTAMP = 253402300799

SpendCap = Annotated[int, Field(gt=0, le=_MAX_BIGINT)]
Micros = Annotated[int, Field(ge=0, le=_MAX_BIGINT)]
Timestamp = Annotated[int, Field(ge=0, le=MAX_TIMESTAMP)]
CampaignName = Annotated[Text, Field(max_length=256)]
ObjectiveType = Literal[OBJECTIVE_TYPES]  # type: ignore[valid-type]
Multiplier = Annotated[float, Field(ge=0, le=10)]
TrackingUrlList = Annotated[
    list[Annotated[Text, Field(min_length=1, max_length=MAX_TRACKING_URL_LENGTH)]],
    Field(max_length=MAX_TRACKING_URLS_PER_EVENT),
]


class _Body(BaseModel):
    model_config = ConfigDict(extra="ignore", strict=True)


class _Closed(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class AdAccountCreate(_Body):
    name: Annotated[Text, Field(max_length=256)]
    country: Literal[COUNTRIES]  # type: ignore[valid-type]
    currency: Literal[CURRENCIES] = "USD"  # type: ignore[valid-type]
    owner_user_id: NumericId | None = None


class TrackingUrls(_Closed):
    impression: TrackingUrlList | None = None
    click: TrackingUrlList | None = None
    engagement: TrackingUrlList | None = None
    buyable_button: TrackingUrlList | None = None
    audience_verification: TrackingUrlList | None = None


class BidOptions(_Closed):
    """Bid multipliers by app type, audience and placement (0 to 10 each)."""

    app_type_multipliers: dict[Annotated[str, Field(max_length=64)], Multiplier] | None = None
    audience_multipliers: dict[Annotated[str, Field(pattern=r"^[0-9]+$", max_length=19)], Multiplier] | None = None
    placement_multipliers: dict[Annotated[str, Field(max_length=64)], Multiplier] | None = None


class _CampaignFields(_Body):
    ad_account_id: NumericId
    name: CampaignName
    daily_spend_cap: SpendCap | None = None
    lifetime_spend_cap: SpendCap | None = None
    start_time: Timestamp | None = None
    end_time: Timestamp | None = None
    tracking_urls: TrackingUrls | None = None
    default_ad_group_budget_in_micro_currency: Micros | None = None
    is_campaign_budget_optimization: bool | None = None
    order_line_id: NumericId | None = None
    bid_options: BidOptions | None = None


class CampaignCreate(_CampaignFields):
    objective_type: ObjectiveType
    status: Literal[CREATABLE_STATUSES] = "ACTIVE"  # type: ignore[valid-type]
    is_flexible_daily_budgets: bool = False
    is_automated_campaign: bool = False


class CampaignUpdate(_CampaignFields):
    """Only the fields sent change (``model_fields_set``)."""

    id: NumericId
    name: CampaignName | None = None
    objective_type: ObjectiveType | None = None
    status: Literal[ENTITY_STATUSES] | None = None  # type: ignore[valid-type]
    is_flexible_daily_budgets: bool | None = None
    is_automated_campaign: bool | None = None


# --- ad groups -------------------------------------------------------------------------------

# The spec's plain integers (attribution windows, retargeting windows and tags): non-negative
# and within 32 bits, so a stored value is one every client reads back as an int.
Count = Annotated[int, Field(ge=0, le=2**31 - 1)]
AdGroupName = Annotated[Text, Field(max_length=256)]
# A campaign id as the spec writes it in an ad group: digits, optionally after a "C".
CampaignRef = Annotated[str, Field(pattern=r"^C?[0-9]+$", max_length=20)]


def _values(item) -> type:
    """A targeting list: the spec's values, at most MAX_TARGETING_VALUES of them."""
    return Annotated[list[item], Field(max_length=MAX_TARGETING_VALUES)]


class ShoppingRetargeting(_Closed):
    lookback_window: Count | None = None
    exclusion_window: Count | None = None
    tag_types: Annotated[list[Count], Field(max_length=64)] | None = None


class TargetingSpec(_Closed):
    """The spec's TargetingSpec: its keys (an unknown one is refused) and the types of their
    values; how the values fit together is ``domain.ads.ad_groups.targeting_problem``'s."""

    AGE_BUCKET: _values(Literal[AGE_BUCKETS]) | None = None  # type: ignore[valid-type]
    APPTYPE: _values(Literal[TARGETING_APP_TYPES]) | None = None  # type: ignore[valid-type]
    AUDIENCE_EXCLUDE: _values(NumericId) | None = None
    AUDIENCE_INCLUDE: _values(NumericId) | None = None
    GENDER: _values(Literal[GENDERS]) | None = None  # type: ignore[valid-type]
    # Region codes ("BE-VOV") or postal codes ("US-94107").
    GEO: _values(Annotated[str, Field(pattern=r"^[A-Z]{2}-[A-Z0-9]{1,10}$")]) | None = None
    # Interest ids (or their names, as translate_interests_to_names lists them): the spec's
    # only list that may not be null.
    INTEREST: _values(Annotated[Text, Field(min_length=1, max_length=100)]) = None
    # ISO 639-1 languages, optionally with a region ("en-US", as the spec's example has it).
    LOCALE: _values(Annotated[str, Field(pattern=r"^[a-z]{2}(-[A-Z]{2})?$")]) | None = None
    # Countries or 3-digit US metro (DMA) codes (``targeting_problem`` checks which).
    LOCATION: _values(Annotated[str, Field(pattern=r"^([A-Z]{2}|[0-9]{3})$")]) | None = None
    MAXIMUM_AGE: Annotated[str, Field(pattern=r"^[0-9]+\+?$", max_length=4)] = None
    MINIMUM_AGE: Annotated[str, Field(pattern=r"^[0-9]+$", max_length=4)] = None
    SHOPPING_RETARGETING: Annotated[list[ShoppingRetargeting], Field(max_length=16)] | None = None
    TARGETING_STRATEGY: _values(Literal[TARGETING_STRATEGIES]) | None = None  # type: ignore[valid-type]


class AttributionWindows(_Closed):
    click_window_days: Count = None
    engagement_window_days: Count = None
    view_window_days: Count = None


class ConversionGoal(_Closed):
    attribution_windows: AttributionWindows = None
    conversion_event: Literal[OPTIMIZATION_CONVERSION_EVENTS] = None  # type: ignore[valid-type]
    conversion_tag_id: NumericId = None
    cpa_goal_value_in_micro_currency: NumericId = None
    is_roas_optimized: bool | None = None
    learning_mode_type: Literal[LEARNING_MODE_TYPES] | None = None  # type: ignore[valid-type]
    reporting_event: Annotated[Text, Field(max_length=64)] = None


class FrequencyGoal(_Closed):
    frequency: Annotated[int, Field(ge=MIN_FREQUENCY_GOAL, le=MAX_FREQUENCY_GOAL)] = None
    timerange: Literal[FREQUENCY_TIME_RANGES] = None  # type: ignore[valid-type]


class ScrollupGoal(_Closed):
    scrollup_goal_value_in_micro_currency: NumericId | None = None


class OptimizationGoalMetadata(_Closed):
    conversion_tag_v3_goal_metadata: ConversionGoal = None
    frequency_goal_metadata: FrequencyGoal = None
    scrollup_goal_metadata: ScrollupGoal = None


class _AdGroupFields(_Body):
    """AdGroupCommon. A field the spec does not make nullable refuses null (``X = None`` with
    a type that is not optional: absent is fine, null is not)."""

    # Not in the spec's ad group (the path names the account), but the SDK sends it: when it
    # is there, it is the path's.
    ad_account_id: NumericId | None = None
    campaign_id: CampaignRef = None
    name: AdGroupName = None
    status: Literal[ENTITY_STATUSES] = None  # type: ignore[valid-type]
    budget_in_micro_currency: SpendCap | None = None
    bid_in_micro_currency: SpendCap | None = None
    budget_type: Literal[BUDGET_TYPES] = None  # type: ignore[valid-type]
    start_time: Timestamp | None = None
    end_time: Timestamp | None = None
    lifetime_frequency_cap: Annotated[int, Field(ge=1, le=2**31 - 1)] = None
    targeting_spec: TargetingSpec = None
    tracking_urls: TrackingUrls | None = None
    auto_targeting_enabled: bool | None = None
    placement_group: Literal[PLACEMENT_GROUPS] = None  # type: ignore[valid-type]
    pacing_delivery_type: Literal[PACING_DELIVERY_TYPES] = None  # type: ignore[valid-type]
    billable_event: Literal[BILLABLE_EVENTS] = None  # type: ignore[valid-type]
    bid_strategy_type: Literal[BID_STRATEGY_TYPES] | None = None  # type: ignore[valid-type]
    optimization_goal_metadata: OptimizationGoalMetadata | None = None
    targeting_template_ids: Annotated[list[NumericId], Field(max_length=MAX_TARGETING_TEMPLATES)] | None = None
    is_creative_optimization: bool | None = None
    # 0 removes the multiplier; otherwise 0.1 to 10 (``domain.ads.ad_groups``).
    bid_multiplier: Annotated[float, Field(ge=0, le=MAX_BID_MULTIPLIER, allow_inf_nan=False)] | None = None
    promotion_id: NumericId | None = None
    promotion_application_level: Literal[PROMOTION_APPLICATION_LEVELS] | None = None  # type: ignore[valid-type]


class AdGroupCreate(_AdGroupFields):
    """AdGroupCreateRequest: name, campaign_id and billable_event required; the defaults the
    spec gives (budget_type's depends on the campaign, so the service sets it)."""

    campaign_id: CampaignRef
    name: AdGroupName
    billable_event: Literal[BILLABLE_EVENTS]  # type: ignore[valid-type]
    status: Literal[CREATABLE_STATUSES] = "ACTIVE"  # type: ignore[valid-type]
    auto_targeting_enabled: bool | None = True
    placement_group: Literal[PLACEMENT_GROUPS] = "ALL"  # type: ignore[valid-type]
    pacing_delivery_type: Literal[PACING_DELIVERY_TYPES] = "STANDARD"  # type: ignore[valid-type]
    is_creative_optimization: bool | None = False


class AdGroupUpdate(_AdGroupFields):
    """AdGroupUpdateRequest: only the fields sent change (``model_fields_set``)."""

    id: NumericId


# --- ads ---------------------------------------------------------------------------------------

Link = Annotated[Text, Field(min_length=1, max_length=2048)]
CarouselLinks = Annotated[list[Link], Field(max_length=MAX_CAROUSEL_CARDS)]
# An ad group id as the spec writes it in an ad: digits, optionally after "AG".
AdGroupRef = Annotated[str, Field(pattern=r"^(AG)?[0-9]+$", max_length=21)]
QuizNumber = Annotated[float, Field(ge=0, le=2**31 - 1, allow_inf_nan=False)]
QuizText = Annotated[Text, Field(max_length=500)]


class QuizOption(_Closed):
    id: QuizNumber = None
    text: QuizText = None


class QuizQuestion(_Closed):
    options: Annotated[list[QuizOption], Field(max_length=10)] = None
    question_id: QuizNumber = None
    question_text: QuizText = None


class QuizResult(_Closed):
    android_deep_link: Link = None
    destination_url: Link = None
    ios_deep_link: Link = None
    organic_pin_id: Annotated[str, Field(max_length=19)] = None
    result_id: QuizNumber = None


class QuizPinData(_Closed):
    questions: Annotated[list[QuizQuestion], Field(max_length=10)] = None
    results: Annotated[list[QuizResult], Field(max_length=10)] = None
    tie_breaker_custom_result: QuizResult = None
    tie_breaker_type: Literal[QUIZ_TIE_BREAKER_TYPES] = None  # type: ignore[valid-type]


class _AdFields(_Body):
    """AdCommon. What the spec says an ad reports but nobody sets is left out, so a client
    that sends it back is not refused: grid_click_type (read-only, "values provided will be
    ignored"), is_pin_deleted (computed from the pin)."""

    ad_account_id: NumericId | None = None  # as for ad groups: the SDK sends it, the path's
    ad_group_id: AdGroupRef = None
    android_deep_link: Link | None = None
    carousel_android_deep_links: CarouselLinks | None = None
    carousel_destination_urls: CarouselLinks | None = None
    carousel_ios_deep_links: CarouselLinks | None = None
    click_tracking_url: Link | None = None
    creative_type: Literal[CREATIVE_TYPES] = None  # type: ignore[valid-type]
    customizable_cta_type: Literal[CUSTOMIZABLE_CTA_TYPES] | None = None  # type: ignore[valid-type]
    destination_url: Link | None = None
    disclosure_type: Literal[DISCLOSURE_TYPES] | None = None  # type: ignore[valid-type]
    disclosure_url: Link | None = None
    ios_deep_link: Link | None = None
    is_removable: bool = None
    lead_form_id: Annotated[str, Field(pattern=r"^(AG)?[0-9]+$", max_length=21)] | None = None
    name: Annotated[Text, Field(max_length=MAX_AD_NAME_LENGTH)] | None = None
    quiz_pin_data: QuizPinData | None = None
    status: Literal[ENTITY_STATUSES] = None  # type: ignore[valid-type]
    tracking_urls: TrackingUrls | None = None
    view_tracking_url: Link | None = None


class AdCreate(_AdFields):
    """AdCreateRequest: ad_group_id and pin_id required. The spec requires creative_type
    too; pinsight takes it from the pin when it is left out (``domain.ads.ads``)."""

    ad_group_id: AdGroupRef
    pin_id: NumericId
    status: Literal[CREATABLE_STATUSES] = "ACTIVE"  # type: ignore[valid-type]
    is_removable: bool = False


class AdUpdate(_AdFields):
    """AdUpdateRequest: only the fields sent change; pin_id only on a DRAFT ad."""

    id: NumericId
    pin_id: NumericId | None = None
