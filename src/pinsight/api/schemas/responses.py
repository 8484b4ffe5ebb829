"""What pinsight answers, as Pydantic models: these only describe the bodies in /openapi.json.

The routes write their bodies directly (``services.content.render`` and orjson), for speed;
``api.openapi`` publishes these models as the responses' schemas. Every enumeration
reads its declaration (the catalogue, the services' tables), never a copy. Models
forbid unknown fields, and ``tests/docs/test_openapi_responses.py`` validates real answers
against the published document, so a body that gains a field fails there until its
model says so.

The shapes follow Pinterest's spec for /v5 (as facts, written here) and pinsight's own
routes for the rest.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, RootModel

from pinsight.catalog.ad_actions import ACTION_TYPES, AD_ACTION_DIMENSIONS, AD_APP_TYPES
from pinsight.catalog.ad_columns import SUPPORTED_COLUMNS
from pinsight.catalog.ad_reporting import ADS_CATEGORY
from pinsight.catalog.audiences import AUDIENCE_DEFINITIONS, AUDIENCE_INSIGHT_TYPES
from pinsight.catalog.ads import (
    AD_SUMMARY_STATUSES,
    AGE_BUCKETS,
    BID_STRATEGY_TYPES,
    BILLABLE_EVENTS,
    BUDGET_TYPES,
    CAMPAIGN_SUMMARY_STATUSES,
    CUSTOMIZABLE_CTA_TYPES,
    DISCLOSURE_TYPES,
    ENTITY_STATUSES,
    FREQUENCY_TIME_RANGES,
    GENDERS,
    GRID_CLICK_TYPES,
    LEARNING_MODE_TYPES,
    OBJECTIVE_TYPES,
    OPTIMIZATION_CONVERSION_EVENTS,
    PACING_DELIVERY_TYPES,
    PLACEMENT_GROUPS,
    PROMOTION_APPLICATION_LEVELS,
    QUIZ_TIE_BREAKER_TYPES,
    REVIEW_STATUSES,
    TARGETING_APP_TYPES,
    TARGETING_STRATEGIES,
)
from pinsight.catalog.dimensions import APP_TYPES, TRAFFIC_KINDS
from pinsight.catalog.events import EVENT_TYPES
from pinsight.catalog.metrics import BASE_METRICS, METRICS
from pinsight.catalog.overview import OVERVIEW_METRICS, POST_PERFORMANCE, POST_STATS
from pinsight.catalog.pin_formats import CREATIVE_TYPES, PIN_FORMATS, SOURCES
from pinsight.catalog.roles import BOARD_PRIVACIES, ROLES
from pinsight.domain.organic.analytics_period import DATA_STATUSES
from pinsight.domain.organic.claimed_content import OWNED_CONTENT
from pinsight.domain.content.media import IMAGE_SIZES, ORIGINALS
from pinsight.services.organic import events
from pinsight.services.organic import ingest
from pinsight.services.content import media
from pinsight.services.identity import oauth
from pinsight.domain.organic.analytics_query import ALL
from pinsight.domain.ads import ad_events
from pinsight.domain.jobs import JobState
from pinsight.domain.organic import export_request

# Literal[tuple] spells a Literal of the tuple's members: the enums come from the tables.
MetricName = Literal[tuple(METRICS)]  # type: ignore[valid-type]
BaseMetricName = Literal[BASE_METRICS]  # type: ignore[valid-type]
DataStatus = Literal[DATA_STATUSES]  # type: ignore[valid-type]
AppType = Literal[APP_TYPES]  # type: ignore[valid-type]
Traffic = Literal[TRAFFIC_KINDS]  # type: ignore[valid-type]
EventTypeName = Literal[tuple(EVENT_TYPES)]  # type: ignore[valid-type]
# The keys of an analytics answer: "all" without a split, else the split's values.
PinSplitKey = Literal[(ALL, *APP_TYPES)]  # type: ignore[valid-type]
AccountSplitKey = Literal[(ALL, *APP_TYPES, *OWNED_CONTENT, *SOURCES, *PIN_FORMATS)]  # type: ignore[valid-type]
NumericId = Annotated[str, Field(pattern=r"^[0-9]+$")]
DateTime = Annotated[str, Field(json_schema_extra={"format": "date-time"})]
Day = Annotated[str, Field(json_schema_extra={"format": "date"}, pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]


class Shape(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _no_default(schema: dict) -> None:
    schema.pop("default", None)


def omittable(**options):
    """A field that is sometimes left out of the body, never sent as null."""
    return Field(None, json_schema_extra=_no_default, **options)


# Errors.


class Error(Shape):
    """Every error of /v5, /api/v1 and the token endpoint."""

    code: int
    message: str


class BatchProblem(Shape):
    position: int = Field(description="The item's index in the batch, from 0.")
    reason: str


class BatchError(Shape):
    """A batch refused whole; ``errors`` lists its problems by position (the first 100)."""

    code: int
    message: str
    errors: list[BatchProblem] = omittable(description="Only when items were checked one by one.")


class OverviewError(Shape):
    """An error of the overview API (its own shape, not Pinterest's)."""

    message: str


class OverviewInvalid(Shape):
    """Bad overview parameters: the messages for each field."""

    message: str
    errors: dict[str, list[str]]


# User account and ad accounts.


class UserAccount(Shape):
    account_type: Literal["PINNER", "BUSINESS"]
    id: NumericId
    profile_image: str
    website_url: str
    username: str
    about: str
    business_name: str | None
    board_count: int
    pin_count: int
    follower_count: int
    following_count: int
    monthly_views: int


class AdAccountOwner(Shape):
    id: NumericId
    username: str


class AdAccount(Shape):
    id: NumericId
    name: str
    owner: AdAccountOwner
    country: str
    currency: str
    permissions: list[Literal[ROLES]]  # type: ignore[valid-type]
    created_time: int = Field(description="Seconds since the epoch.")
    updated_time: int = Field(description="Seconds since the epoch.")


# Boards and sections.


class Owner(Shape):
    username: str


class BoardMedia(Shape):
    image_cover_url: str | None
    pin_thumbnail_urls: list[str]


class Board(Shape):
    id: NumericId
    created_at: DateTime
    board_pins_modified_at: DateTime
    name: str
    description: str | None
    collaborator_count: int
    pin_count: int
    follower_count: int
    media: BoardMedia
    owner: Owner
    privacy: Literal[BOARD_PRIVACIES]  # type: ignore[valid-type]
    is_ads_only: bool


class BoardSection(Shape):
    id: NumericId
    name: str


# Pins.


class ImageDetails(Shape):
    """Every rendition has integer dimensions (``domain.content.media``: a documented default size
    when the source's is unknown)."""

    url: str
    width: int
    height: int


# The rendition names start with digits: the fields are named by alias.
_RENDITIONS = (*(name for name, _, _ in IMAGE_SIZES), ORIGINALS)
ImageSizes = type(
    "ImageSizes",
    (Shape,),
    {
        "__annotations__": {f"size_{index}": ImageDetails for index, _ in enumerate(_RENDITIONS)},
        **{f"size_{index}": Field(alias=name) for index, name in enumerate(_RENDITIONS)},
        "__module__": __name__,
    },
)


class ImageMedia(Shape):
    media_type: Literal["image"]
    images: ImageSizes  # type: ignore[valid-type]


class CarouselItem(Shape):
    item_type: Literal["image"]
    images: ImageSizes  # type: ignore[valid-type]
    link: str | None


class MultipleImagesMedia(Shape):
    media_type: Literal["multiple_images"]
    items: list[CarouselItem]


class VideoMedia(Shape):
    media_type: Literal["video"]
    cover_image_url: str
    images: ImageSizes  # type: ignore[valid-type]
    video_url: str | None
    duration: float | None
    height: int | None
    width: int | None


PinMedia = Annotated[ImageMedia | MultipleImagesMedia | VideoMedia, Field(discriminator="media_type")]


class PinMetrics90d(Shape):
    pin_click: int
    impression: int
    clickthrough: int


class PinMetricsAllTime(PinMetrics90d):
    reaction: int
    comment: int


class PinMetrics(Shape):
    """Only with ``pin_metrics=true``."""

    last_90_days: PinMetrics90d = Field(alias="90d")
    all_time: PinMetricsAllTime


class Pin(Shape):
    id: NumericId
    created_at: DateTime
    link: str | None
    title: str | None
    description: str | None
    dominant_color: str | None
    alt_text: str | None
    creative_type: Literal[CREATIVE_TYPES]  # type: ignore[valid-type]
    board_id: NumericId
    board_section_id: NumericId | None
    board_owner: Owner
    is_owner: bool
    media: PinMedia
    parent_pin_id: NumericId | None
    is_standard: bool
    has_been_promoted: bool
    pin_metrics: PinMetrics | None


# Lists: one page and the bookmark of the next (null on the last page).


class BoardList(Shape):
    items: list[Board]
    bookmark: str | None


class BoardSectionList(Shape):
    items: list[BoardSection]
    bookmark: str | None


class PinList(Shape):
    items: list[Pin]
    bookmark: str | None


class AdAccountList(Shape):
    items: list[AdAccount]
    bookmark: str | None


# Campaigns.

EntityStatus = Literal[ENTITY_STATUSES]  # type: ignore[valid-type]
ObjectiveType = Literal[OBJECTIVE_TYPES]  # type: ignore[valid-type]


class TrackingUrls(Shape):
    impression: list[str] = omittable()
    click: list[str] = omittable()
    engagement: list[str] = omittable()
    buyable_button: list[str] = omittable()
    audience_verification: list[str] = omittable()


class BidOptions(Shape):
    app_type_multipliers: dict[str, float] = omittable()
    audience_multipliers: dict[str, float] = omittable()
    placement_multipliers: dict[str, float] = omittable()


class Campaign(Shape):
    id: NumericId
    ad_account_id: NumericId
    name: str
    status: EntityStatus
    objective_type: ObjectiveType
    daily_spend_cap: int | None = Field(description="Micro-currency of the ad account.")
    lifetime_spend_cap: int | None = Field(description="Micro-currency of the ad account.")
    start_time: int | None = Field(description="Seconds since the epoch.")
    end_time: int | None = Field(description="Seconds since the epoch.")
    tracking_urls: TrackingUrls | None
    is_flexible_daily_budgets: bool | None
    default_ad_group_budget_in_micro_currency: int | None
    is_campaign_budget_optimization: bool | None
    is_automated_campaign: bool | None
    order_line_id: NumericId | None
    bid_options: BidOptions | None
    summary_status: Literal[CAMPAIGN_SUMMARY_STATUSES]  # type: ignore[valid-type]
    type: Literal["campaign"]
    created_time: int = Field(description="Seconds since the epoch.")
    updated_time: int = Field(description="Seconds since the epoch.")


class CampaignList(Shape):
    items: list[Campaign]
    bookmark: str | None


class ItemException(Shape):
    code: int
    message: str


class CampaignBatchItem(Shape):
    data: Campaign = omittable(description="The campaign as written; absent when the item was refused.")
    exceptions: list[ItemException] = Field(description="Empty when the item was written.")


class CampaignBatch(Shape):
    items: list[CampaignBatchItem] = Field(description="One entry per item sent, in the same order.")


# Ad groups.


class ShoppingRetargeting(Shape):
    lookback_window: int = omittable()
    exclusion_window: int = omittable()
    tag_types: list[int] = omittable()


class TargetingSpec(Shape):
    """The keys the ad group was given (none: ``{}``), with the values it was given."""

    AGE_BUCKET: list[Literal[AGE_BUCKETS]] = omittable()  # type: ignore[valid-type]
    APPTYPE: list[Literal[TARGETING_APP_TYPES]] = omittable()  # type: ignore[valid-type]
    AUDIENCE_EXCLUDE: list[NumericId] = omittable()
    AUDIENCE_INCLUDE: list[NumericId] = omittable()
    GENDER: list[Literal[GENDERS]] = omittable()  # type: ignore[valid-type]
    GEO: list[str] = omittable()
    INTEREST: list[str] = omittable()
    LOCALE: list[str] = omittable()
    LOCATION: list[str] = omittable()
    MAXIMUM_AGE: str = omittable()
    MINIMUM_AGE: str = omittable()
    SHOPPING_RETARGETING: list[ShoppingRetargeting] = omittable()
    TARGETING_STRATEGY: list[Literal[TARGETING_STRATEGIES]] = omittable()  # type: ignore[valid-type]


class AttributionWindows(Shape):
    click_window_days: int = omittable()
    engagement_window_days: int = omittable()
    view_window_days: int = omittable()


class ConversionGoal(Shape):
    attribution_windows: AttributionWindows = omittable()
    conversion_event: Literal[OPTIMIZATION_CONVERSION_EVENTS] = omittable()  # type: ignore[valid-type]
    conversion_tag_id: NumericId = omittable()
    cpa_goal_value_in_micro_currency: NumericId = omittable()
    is_roas_optimized: bool = omittable()
    learning_mode_type: Literal[LEARNING_MODE_TYPES] = omittable()  # type: ignore[valid-type]
    reporting_event: str = omittable()


class FrequencyGoal(Shape):
    frequency: int = omittable()
    timerange: Literal[FREQUENCY_TIME_RANGES] = omittable()  # type: ignore[valid-type]


class ScrollupGoal(Shape):
    scrollup_goal_value_in_micro_currency: NumericId = omittable()


class OptimizationGoalMetadata(Shape):
    conversion_tag_v3_goal_metadata: ConversionGoal = omittable()
    frequency_goal_metadata: FrequencyGoal = omittable()
    scrollup_goal_metadata: ScrollupGoal = omittable()


class AdGroup(Shape):
    id: NumericId
    ad_account_id: NumericId
    campaign_id: NumericId
    name: str
    status: EntityStatus
    budget_in_micro_currency: int | None = Field(description="Micro-currency of the ad account.")
    bid_in_micro_currency: int | None = Field(description="Micro-currency of the ad account.")
    budget_type: Literal[BUDGET_TYPES]  # type: ignore[valid-type]
    start_time: int | None = Field(description="Seconds since the epoch; null: the campaign's.")
    end_time: int | None = Field(description="Seconds since the epoch; null: the campaign's.")
    targeting_spec: TargetingSpec
    lifetime_frequency_cap: int = omittable(description="Only when set.")
    tracking_urls: TrackingUrls | None
    auto_targeting_enabled: bool | None
    placement_group: Literal[PLACEMENT_GROUPS]  # type: ignore[valid-type]
    pacing_delivery_type: Literal[PACING_DELIVERY_TYPES]  # type: ignore[valid-type]
    billable_event: Literal[BILLABLE_EVENTS] = omittable()  # type: ignore[valid-type]
    bid_strategy_type: Literal[BID_STRATEGY_TYPES] | None  # type: ignore[valid-type]
    optimization_goal_metadata: OptimizationGoalMetadata | None
    targeting_template_ids: list[NumericId] | None
    is_creative_optimization: bool | None
    bid_multiplier: float | None
    promotion_id: NumericId | None
    promotion_application_level: Literal[PROMOTION_APPLICATION_LEVELS] | None  # type: ignore[valid-type]
    conversion_learning_mode_type: Literal[LEARNING_MODE_TYPES] | None  # type: ignore[valid-type]
    summary_status: Literal[CAMPAIGN_SUMMARY_STATUSES]  # type: ignore[valid-type]
    type: Literal["adgroup"]
    created_time: int = Field(description="Seconds since the epoch.")
    updated_time: int = Field(description="Seconds since the epoch.")


class AdGroupList(Shape):
    items: list[AdGroup]
    bookmark: str | None


class AdGroupBatchItem(Shape):
    data: AdGroup = omittable(description="The ad group as written; absent when the item was refused.")
    exceptions: list[ItemException] = Field(description="Empty when the item was written.")


class AdGroupBatch(Shape):
    items: list[AdGroupBatchItem] = Field(description="One entry per item sent, in the same order.")


# Ads.


class QuizOption(Shape):
    id: float = omittable()
    text: str = omittable()


class QuizQuestion(Shape):
    options: list[QuizOption] = omittable()
    question_id: float = omittable()
    question_text: str = omittable()


class QuizResult(Shape):
    android_deep_link: str = omittable()
    destination_url: str = omittable()
    ios_deep_link: str = omittable()
    organic_pin_id: str = omittable()
    result_id: float = omittable()


class QuizPinData(Shape):
    questions: list[QuizQuestion] = omittable()
    results: list[QuizResult] = omittable()
    tie_breaker_custom_result: QuizResult = omittable()
    tie_breaker_type: Literal[QUIZ_TIE_BREAKER_TYPES] = omittable()  # type: ignore[valid-type]


class Ad(Shape):
    id: NumericId
    ad_account_id: NumericId
    campaign_id: NumericId
    ad_group_id: NumericId
    pin_id: NumericId
    name: str | None
    status: EntityStatus
    creative_type: Literal[CREATIVE_TYPES]  # type: ignore[valid-type]
    android_deep_link: str | None
    carousel_android_deep_links: list[str] | None
    carousel_destination_urls: list[str] | None
    carousel_ios_deep_links: list[str] | None
    click_tracking_url: str | None
    customizable_cta_type: Literal[CUSTOMIZABLE_CTA_TYPES] | None  # type: ignore[valid-type]
    destination_url: str | None
    disclosure_type: Literal[DISCLOSURE_TYPES] | None  # type: ignore[valid-type]
    disclosure_url: str | None
    ios_deep_link: str | None
    lead_form_id: str | None
    quiz_pin_data: QuizPinData | None
    tracking_urls: TrackingUrls | None
    view_tracking_url: str | None
    is_removable: bool
    is_pin_deleted: bool = Field(description="Whether the promoted pin has been deleted since.")
    grid_click_type: Literal[GRID_CLICK_TYPES] = Field(  # type: ignore[valid-type]
        description="Read-only: DIRECT_TO_DESTINATION when the ad or its pin links somewhere."
    )
    collection_items_destination_url_template: str | None
    review_status: Literal[REVIEW_STATUSES]  # type: ignore[valid-type]
    rejected_reasons: list[str]
    rejection_labels: list[str]
    summary_status: Literal[AD_SUMMARY_STATUSES]  # type: ignore[valid-type]
    type: Literal["pinpromotion"]
    created_time: int = Field(description="Seconds since the epoch.")
    updated_time: int = Field(description="Seconds since the epoch.")


class AdList(Shape):
    items: list[Ad]
    bookmark: str | None


class AdBatchItem(Shape):
    """The spec's AdArrayResponseElement: one exception object, not a list as for campaigns."""

    data: Ad = omittable(description="The ad as written; absent when the item was refused.")
    exceptions: ItemException = omittable(description="Why the item was refused; absent when it was written.")


class AdBatch(Shape):
    items: list[AdBatchItem] = Field(description="One entry per item sent, in the same order.")


# Analytics.

MetricValues = dict[MetricName, float]


class DailyMetrics(Shape):
    date: Day
    data_status: DataStatus
    metrics: MetricValues = Field(description="Empty on days before the pin was created.")


class AnalyticsSeries(Shape):
    daily_metrics: list[DailyMetrics]
    summary_metrics: MetricValues
    lifetime_metrics: MetricValues = omittable(
        description="Pin analytics only, when lifetime metrics (comments, reactions) were asked for."
    )


class PinAnalytics(RootModel[dict[PinSplitKey, AnalyticsSeries]]):
    """One series per split value (``all`` without a split)."""


class MultiPinAnalytics(RootModel[dict[NumericId, PinAnalytics]]):
    """Each pin's analytics, by pin id."""


class AccountAnalytics(RootModel[dict[AccountSplitKey, AnalyticsSeries]]):
    """One series per split value (``all`` without a split)."""


class DateAvailability(Shape):
    is_realtime: bool
    latest_available_timestamp: int = Field(description="Milliseconds since the epoch.")


class TopPin(Shape):
    pin_id: NumericId
    metrics: MetricValues
    data_status: dict[MetricName, DataStatus]


class TopPins(Shape):
    date_availability: DateAvailability
    pins: list[TopPin]
    sort_by: MetricName


# OAuth.

GrantType = Literal["authorization_code", "refresh_token", "client_credentials"]


class TokenRequest(Shape):
    """The token endpoint's form; which fields a grant needs is in each field's description.
    A few other fields (client_id and the like) are ignored."""

    model_config = ConfigDict(extra="allow")

    grant_type: GrantType
    code: Annotated[str, Field(max_length=oauth.FIELD_LIMITS["code"])] = omittable(
        description="authorization_code: the code the consent page (/oauth/) sent to redirect_uri."
    )
    redirect_uri: Annotated[str, Field(max_length=oauth.FIELD_LIMITS["redirect_uri"])] = omittable(
        description="authorization_code: the redirect_uri of the authorization request."
    )
    refresh_token: Annotated[str, Field(max_length=oauth.FIELD_LIMITS["refresh_token"])] = omittable(
        description="refresh_token: the refresh token to spend (each works once)."
    )
    scope: Annotated[str, Field(max_length=oauth.FIELD_LIMITS["scope"])] = omittable(
        description="client_credentials (required) or refresh_token (at most the granted ones): scopes "
        "separated by commas or spaces."
    )


TokenTypeHint = Literal[oauth.TOKEN_TYPE_HINTS]  # type: ignore[valid-type]


class RevokeRequest(Shape):
    """The revocation form (RFC 7009): a token the app was issued. Revoking a refresh token
    revokes the access tokens of its grant too; an unknown token is no error."""

    token: str
    token_type_hint: TokenTypeHint = omittable(description="Which kind the token is; pinsight finds it either way.")


class OAuthToken(Shape):
    """``refresh_token`` and its lifetimes come with the authorization_code and
    refresh_token grants, not with client_credentials."""

    access_token: str
    refresh_token: str = omittable()
    response_type: GrantType
    token_type: Literal["bearer"]
    expires_in: int = Field(description="Seconds.")
    refresh_token_expires_in: int = omittable(description="Seconds.")
    refresh_token_expires_at: int = omittable(description="Seconds since the epoch.")
    scope: str = Field(description="The granted scopes, separated by spaces.")


# Ingestion (request items and answers).


class DailyMetricsRow(Shape):
    """One pin's metrics for one UTC day, app type and traffic kind; replaces what that key held."""

    pin_id: Annotated[NumericId, Field(max_length=19)]
    date: Day
    app_type: AppType
    traffic: Traffic = "ORGANIC"
    metrics: Annotated[dict[BaseMetricName, Annotated[int, Field(ge=0, le=ingest.MAX_VALUE)]], Field(min_length=1)]


Sha256Hex = Annotated[str, Field(pattern=r"^[0-9a-fA-F]{64}$")]


class AdEventUser(Shape):
    """Exactly one of the two: the SHA-256 hex digest the Conversions API sends for the person."""

    external_id: Sha256Hex = omittable()
    em: Sha256Hex = omittable(description="SHA-256 of the lower-cased e-mail address.")


class Event(Shape):
    """One engagement; ``value`` (milliseconds) only for the event types that carry one."""

    id: Annotated[str, Field(min_length=1, max_length=events.MAX_ID_LENGTH, description="Idempotency key.")]
    pin_id: Annotated[NumericId, Field(max_length=19)]
    type: EventTypeName
    timestamp: Annotated[DateTime, Field(description="RFC 3339 with a time zone.")]
    app_type: AppType
    traffic: Traffic = "ORGANIC"
    value: Annotated[int, Field(ge=0, le=max(event.max_value for event in EVENT_TYPES.values()))] = omittable()
    user: AdEventUser = omittable(description="The viewer, named as ad actions name people: counted in audience "
                                              "insights.")
    dimensions: dict[Literal[AD_ACTION_DIMENSIONS], str] = omittable(  # type: ignore[valid-type]
        description="The viewer's facts, as ad actions carry them (only with user).")


class DailyMetricsIngested(Shape):
    received: int
    applied: int


class EventsIngested(Shape):
    received: int
    applied: int
    already_applied: int


class AdEvent(Shape):
    """One ad action (``domain.ads.ad_events``)."""

    id: Annotated[str, Field(min_length=1, max_length=ad_events.MAX_ID_LENGTH, description="Idempotency key; a click's id is what a conversion's click_id names.")]
    ad_id: Annotated[NumericId, Field(max_length=19)]
    type: Literal[tuple(ACTION_TYPES)]  # type: ignore[valid-type]
    timestamp: Annotated[DateTime, Field(description="RFC 3339 with a time zone.")]
    user: AdEventUser
    household_id: Annotated[str, Field(min_length=1, max_length=ad_events.MAX_ID_LENGTH)] = omittable()
    spend_micro_dollar: Annotated[int, Field(ge=0, le=ad_events.MAX_SPEND_MICRO_DOLLAR)] = omittable()
    app_type: Literal[AD_APP_TYPES] = omittable()  # type: ignore[valid-type]
    dimensions: dict[Literal[AD_ACTION_DIMENSIONS], str] = omittable(  # type: ignore[valid-type]
        description="The viewer's targeting facts, kept for the targeting analytics.")


# The overview API.


class Comparison(Shape):
    key: Literal[tuple(metric.key for metric in OVERVIEW_METRICS)]  # type: ignore[misc]
    name: str
    value_current_period: int
    value_last_period: int
    percentage_change: Annotated[str, Field(pattern=r"^[+-]?[0-9]+\.[0-9]%$", examples=["+25.0%"])]
    description: str


Ranking = Literal[tuple(ranking.key for ranking in POST_PERFORMANCE)]  # type: ignore[misc]
PostStat = Literal[tuple(metric.key for metric in POST_STATS)]  # type: ignore[misc]


class RankedPost(Shape):
    id: NumericId
    text: str
    permalink: str
    media_url: str | None
    value: float


class OverviewData(Shape):
    metrics: list[Comparison]
    total_followers: int
    post_performance: dict[Ranking, list[RankedPost]]


class Post(Shape):
    id: NumericId
    page_id: NumericId
    format: str
    text: str
    permalink: str
    media_type: str
    media_url: str | None
    stats: dict[PostStat, int]
    timestamp: Annotated[str, Field(description="Local time in the requested time zone: Y-m-d H:i:s.")]


class PostsPagination(Shape):
    page: int
    per_page: int
    total: int
    has_more: bool


class PostsData(Shape):
    stats: list[Comparison]
    posts: list[Post]
    pagination: PostsPagination


class Overview(Shape):
    success: Literal[True]
    data: OverviewData


class Posts(Shape):
    success: Literal[True]
    data: PostsData


# Media uploads.

MediaStatus = Literal[media.STATUSES]  # type: ignore[valid-type]


class MediaUploadRegistered(Shape):
    """A registered upload: send the file with ``upload_parameters`` to ``upload_url``."""

    media_id: NumericId
    media_type: Literal["video"]
    upload_url: str
    upload_parameters: dict[str, str]


class MediaUploadDetails(Shape):
    media_id: NumericId
    media_type: Literal["video"]
    status: MediaStatus


class MediaUploadList(Shape):
    items: list[MediaUploadDetails]
    bookmark: str | None


# Ads resources.


class AdsAnalyticsRows(RootModel[list[dict[str, str | int | float | bool | None]]]):
    """Rows of a sync ads analytics answer: the entity's id (``AD_ID``, ...), ``DATE`` for a
    time-based granularity, then the requested columns (``domain.ads.analytics_rows``)."""


class TargetingAnalyticsRow(Shape):
    targeting_type: str
    targeting_value: str
    metrics: dict[str, str | int | float | bool | None]


class TargetingAnalyticsAnswer(Shape):
    """A targeting analytics answer (the spec's MetricsResponse): per row, the targeting
    type, the slice and the row an untargeted report would give (``domain.ads.analytics_rows``)."""

    data: list[TargetingAnalyticsRow]


ReportStatus = Literal["DOES_NOT_EXIST", "FINISHED", "IN_PROGRESS", "EXPIRED", "FAILED", "CANCELLED"]


class AsyncReportCreated(Shape):
    """An async report asked for (the spec's AdsAnalyticsCreateAsyncResponse)."""

    report_status: ReportStatus
    token: str
    message: str | None


class AsyncReportState(Shape):
    """Where an async report is (AdsAnalyticsGetAsyncResponse): a link while FINISHED."""

    report_status: ReportStatus
    url: str | None
    size: float | None


class TemplateReportCreated(Shape):
    """A report asked for from a template (the spec's TemplateBasedReport)."""

    template_id: str
    report_status: ReportStatus
    token: str
    message: str


class ReportTemplate(Shape):
    """A saved async report request (the spec's TemplateResponse)."""

    id: str
    name: str | None
    ad_account_id: str
    ad_account_ids: list[str]
    user_id: str
    is_owned_by_user: bool
    is_deleted: bool
    is_scheduled: bool
    type: Literal["UNSPECIFIED", "BULK", "OVERVIEW", "TABLE"]
    creation_source: Literal["ADS_API", "ADS_MANAGER_REPORTING_PAGE", "ADS_MANAGER_REPORT_BUILDER"]
    report_level: str
    columns: list[str]
    granularity: Literal["TOTAL", "DAY", "HOUR", "WEEK", "MONTH"]
    report_format: Literal["JSON", "CSV"]
    click_window_days: int
    engagement_window_days: int
    view_window_days: int
    conversion_report_time_type: str
    report_start_relative_days_in_past: int
    report_end_relative_days_in_past: int
    filters_json: str | None
    updated_time: int


class ReportTemplateList(Shape):
    items: list[ReportTemplate]
    bookmark: str | None


class ConversionEventAnswer(Shape):
    status: Literal["failed", "processed"]
    error_message: str | None
    warning_message: str | None


class ConversionEventsAnswer(Shape):
    """The Conversions API's answer: one entry per event sent, in order."""

    num_events_received: int
    num_events_processed: int
    events: list[ConversionEventAnswer]


class MetricsReadyState(Shape):
    """Whether a day's ads metrics are final (``domain.ads.readiness``)."""

    conversion_metrics_ready: bool
    non_conversion_metrics_ready: bool


class DeliveryMetric(Shape):
    """An ads metric's definition (``catalog.ad_columns``)."""

    name: Literal[SUPPORTED_COLUMNS]  # type: ignore[valid-type]
    category: Literal[ADS_CATEGORY]  # type: ignore[valid-type]
    definition: str
    display_name: str


class DeliveryMetrics(Shape):
    """The metrics a sync or async ads report can give (``delivery_metrics/get``)."""

    items: list[DeliveryMetric]


class TargetingOptions(RootModel[list[dict[str, Any]]]):
    """A targeting dictionary (``targeting_options/get``): a list holding one object of
    value -> name (GEO: value -> metro or country with its regions)."""


class InterestTargetingOption(Shape):
    """One interest of the taxonomy (``interest_targeting_options/get``)."""

    id: NumericId
    name: str
    level: int
    child_interests: list[str]


# Audience insights (``services.ads.audience_insights``).

AudienceInsightType = Literal[AUDIENCE_INSIGHT_TYPES]  # type: ignore[valid-type]


class AudienceDemographicValue(Shape):
    """One slice of a demographic: its share of the audience."""

    key: str
    name: str
    ratio: Annotated[float, Field(ge=0, le=1)]


class AudienceSubcategory(Shape):
    id: NumericId
    key: NumericId
    name: str
    ratio: Annotated[float, Field(ge=0, le=1, description="Share of the whole audience.")]
    index: Annotated[float, Field(ge=0, description="The ratio over the same ratio in PINTEREST_TOTAL_AUDIENCE.")]


class AudienceCategory(Shape):
    """A top-level interest of the taxonomy, with its second-level interests."""

    id: NumericId
    key: NumericId
    name: str
    ratio: Annotated[float, Field(ge=0, le=1)]
    index: Annotated[float, Field(ge=0)]
    subcategories: list[AudienceSubcategory]


class AudienceDemographics(Shape):
    ages: list[AudienceDemographicValue]
    genders: list[AudienceDemographicValue]
    devices: list[AudienceDemographicValue]
    metros: list[AudienceDemographicValue]
    countries: list[AudienceDemographicValue]


class AudienceInsights(Shape):
    """An audience's interests and demographics (``audience_insights/get``); no slice of
    fewer people than the minimum audience size, and a smaller size as an upper bound."""

    type: AudienceInsightType
    date: Day | None
    size: Annotated[int, Field(ge=0)]
    size_is_upper_bound: bool
    categories: list[AudienceCategory]
    demographics: AudienceDemographics


class AudienceDefinition(Shape):
    scope: Literal[tuple(sorted({scope for _, scope, _ in AUDIENCE_DEFINITIONS}))]  # type: ignore[misc]
    type: Literal[tuple(sorted({kind for _, _, kind in AUDIENCE_DEFINITIONS}))]  # type: ignore[misc]
    date: Day | None


class AudienceDefinitions(Shape):
    """The audiences with insights to give (``audience_insights_scope_and_type/get``)."""

    items: list[AudienceDefinition]


class BulkDownloadAnswer(Shape):
    """A queued bulk download (``bulk_download/create``): the id its status is read by."""

    request_id: NumericId


class BulkRequestStatus(Shape):
    """A bulk request's status (``bulk_request/get``); ``result_url``, the zipped file's
    link, only once it SUCCEEDED."""

    status: Literal["RUNNING", "SUCCEEDED", "FAILED"]
    result_url: str = omittable()


# Organic exports (pinsight's own API: ``services.organic.exports``).


class Export(Shape):
    """An export and where it is: ``url`` (and ``rows``, ``size``) once it is finished.
    ``url`` needs no token: its signature is its permission, until ``url_expires_at``; the
    file itself is kept until ``expires_at``, when the export becomes ``expired``."""

    id: str
    status: Literal[tuple(state.value for state in JobState)]  # type: ignore[misc]
    dataset: Literal[export_request.DATASETS]  # type: ignore[valid-type]
    format: Literal[export_request.FORMATS]  # type: ignore[valid-type]
    start_date: Day
    end_date: Day
    ad_account_id: NumericId | None = Field(description="The ad account it was made through, if any: read it with "
                                                        "the same ad_account_id.")
    created_at: DateTime
    progress_rows: Annotated[int, Field(ge=0)] = Field(description="Rows written so far (all of them once finished).")
    rows: Annotated[int, Field(ge=0)] | None
    size: Annotated[int, Field(ge=0)] | None = Field(description="The file's size in bytes, once finished.")
    url: str | None = Field(description="Where to download the file (no token needed), once finished.")
    url_expires_at: DateTime | None
    expires_at: DateTime | None = Field(description="When the file is deleted (UTC), once finished.")
    message: str | None = Field(description="Why it failed, was cancelled or expired.")
