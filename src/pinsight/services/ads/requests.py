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
    COUNTRIES,
    CREATABLE_STATUSES,
    CURRENCIES,
    ENTITY_STATUSES,
    MAX_TRACKING_URL_LENGTH,
    MAX_TRACKING_URLS_PER_EVENT,
    OBJECTIVE_TYPES,
)
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
