"""Every column of the sync ads analytics operations, declared once.

``ad_account/analytics``, ``campaigns/analytics``, ``ad_groups/analytics``,
``ads/analytics`` and ``ad_pins/analytics`` share one ``columns`` enum of 175 names.
This module declares each of them, in the spec's order, with what pinsight would answer
for it. Every column has one *kind*, and the kind says how it maps to stored data:

* ``STORED``: the sum over the period of one stored ad-action figure: the number of
  ad actions of one type (``Stored(counts="IMPRESSION")``) or the sum of one field of
  all ad actions (``Stored(sums="spend_micro_dollar")``). Additive over days and
  entities.
* ``DERIVED``: never stored; its ``formula`` (data, not code) combines the period's
  sums of other columns. ``Sum`` adds its parts (times a scale); ``Ratio`` divides the
  sum of its numerator by the sum of its denominator (times a scale): a ratio of
  sums over the whole period, never an average of daily ratios, and null when the
  denominator sums to 0. A part is a column name or, where the spec has no sync column
  for the figure needed, an inline ``Attribution``. Parts are always additive (stored,
  attributed, or a derived ``Sum``), so every formula is evaluated from plain sums.
* ``ATTRIBUTED``: a sum over stored Conversions API events attributed to the entity's
  ad actions: which interaction kind (``CLICK``, ``ENGAGEMENT``, ``VIEW`` or all,
  ``TOTAL``), which ``event_name`` (or every one), what it measures (``COUNT``,
  ``VALUE`` or ``QUANTITY``) and which ``action_source`` group (``WEB``, ``APP``,
  ``OFFLINE`` or ``ALL``); the vocabulary is ``pinsight.catalog.ad_conversions``.
  Additive. Pinterest may add modelled conversions to these figures; pinsight counts
  only the events it received and attributed, and conversions that follow earned
  activity (below) are out of its reach.
* ``ENTITY``: an attribute of the reported entity or of one of its parents (the ad
  account, campaign, ad group or ad), read, not summed: ids, names, statuses, budgets.
* ``UNSUPPORTED``: pinsight cannot compute it from what it stores, and says why. Asking
  for it is a 400 that names it; pinsight never makes a value up.

What pinsight stores, and the conventions that decide most kinds:

* Ad actions: ``AD_ACTION_TYPES``, each with an optional ``spend_micro_dollar``. They
  are actions on the ad itself, that is *paid* (first-order) activity: the columns
  suffixed ``_1`` and the ``PAID_`` ones. Pinterest's *earned* activity (``_2``: on
  copies of the ad that people saved to their own boards) is not among them, so every
  earned column is unsupported, and so is every column adding paid and earned together:
  the ``TOTAL_`` delivery and video counts (not the ``TOTAL_`` conversion columns: there
  ``TOTAL`` means all interaction kinds) and the "effective" figures prefixed ``E``
  (ECTR, ECPC, ECPM, ECPE, ECPV, ECPCV, EENGAGEMENT_RATE), which Pinterest takes over
  first-order and downstream activity together.
* Money is micro units of the ad account's currency (Pinterest's ``MICRO_DOLLAR``);
  ``_IN_DOLLAR`` columns and the cost-per-action ones are in whole currency units, ROAS
  is value over spend. Rates are fractions (0.02 is 2%), not percentages.

``tests/contract/test_ad_columns_catalog.py`` holds the names and their order to the
spec; ``_check_catalogue`` (at import) holds the table to its own rules.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal, Union

from pinsight.catalog.ad_conversions import (
    ATTRIBUTION_KINDS,
    CONVERSION_EVENT_NAMES,
    CONVERSION_MEASURES,
    SOURCE_GROUPS,
    AttributionKind,
    ConversionMeasure,
    ConversionSource,
)
from pinsight.catalog.ad_actions import ACTION_TYPES
from pinsight.errors import InvalidParameters

# The ad actions pinsight stores, declared with their attribution kinds (CLICK is a Pin click).
AD_ACTION_TYPES: tuple[str, ...] = tuple(ACTION_TYPES)
# The ad-action fields that can be summed.
AD_ACTION_SUMS: tuple[str, ...] = ("spend_micro_dollar",)

ColumnKind = Literal["STORED", "DERIVED", "ATTRIBUTED", "ENTITY", "UNSUPPORTED"]
KINDS: tuple[str, ...] = ("STORED", "DERIVED", "ATTRIBUTED", "ENTITY", "UNSUPPORTED")

# delivery: impressions and reach; engagement: what people did with the ad; video:
# plays; conversion: attributed events and their rates; cost: spend and what it bought
# (CPC, CPM, CPA, ROAS); entity: attributes of the ad account, campaign, ad group or ad.
Category = Literal["delivery", "engagement", "video", "conversion", "cost", "entity"]
CATEGORIES: tuple[str, ...] = ("delivery", "engagement", "video", "conversion", "cost", "entity")

EntityLevel = Literal["AD_ACCOUNT", "CAMPAIGN", "AD_GROUP", "AD"]
ENTITY_LEVELS: tuple[str, ...] = ("AD_ACCOUNT", "CAMPAIGN", "AD_GROUP", "AD")

MICRO = Fraction(1, 1_000_000)  # micro units to whole currency units


@dataclass(frozen=True)
class Stored:
    """The period's count of ad actions of one type, or sum of one ad-action field."""

    counts: str | None = None  # an AD_ACTION_TYPES entry
    sums: str | None = None  # an AD_ACTION_SUMS entry


@dataclass(frozen=True)
class Attribution:
    """The period's sum over the conversion events attributed to the entity's ad actions."""

    action: AttributionKind
    event: str | None  # a CONVERSION_EVENT_NAMES entry; None: every event name
    measure: ConversionMeasure
    source: ConversionSource


# A formula's part: a column's name, or an attributed figure no sync column reports alone.
Part = Union[str, Attribution]


@dataclass(frozen=True)
class Sum:
    """scale * (sum of the parts' period sums)."""

    parts: tuple[Part, ...]
    scale: Fraction = Fraction(1)

    @property
    def inputs(self) -> tuple[Part, ...]:
        return _unique(self.parts)


@dataclass(frozen=True)
class Ratio:
    """scale * sum(numerator) / sum(denominator), each summed over the whole period."""

    numerator: tuple[Part, ...]
    denominator: tuple[Part, ...]
    scale: Fraction = Fraction(1)

    @property
    def inputs(self) -> tuple[Part, ...]:
        return _unique(self.numerator + self.denominator)


Formula = Union[Sum, Ratio]


@dataclass(frozen=True)
class EntityAttribute:
    """An attribute (named as on the spec's entity object) of the entity at ``level``, times ``scale``."""

    level: EntityLevel
    attribute: str
    scale: Fraction = Fraction(1)


@dataclass(frozen=True)
class AdColumn:
    name: str
    category: Category
    display_name: str
    definition: str
    kind: ColumnKind
    # Exactly the one field matching the kind is set.
    stored: Stored | None = None
    formula: Formula | None = None
    attribution: Attribution | None = None
    entity: EntityAttribute | None = None
    reason: str | None = None  # UNSUPPORTED: why pinsight cannot compute it

    @property
    def supported(self) -> bool:
        return self.kind != "UNSUPPORTED"

    @property
    def additive(self) -> bool:
        """True when the value over a period (or over entities) is the sum of its parts' values."""
        return self.kind in ("STORED", "ATTRIBUTED") or isinstance(self.formula, Sum)


def _unique(items: Iterable) -> tuple:
    return tuple(dict.fromkeys(items))


# ---- why a column is unsupported ----------------------------------------------------------
EARNED = "earned activity (on copies of the ad saved to other people's boards) is not among pinsight's ad actions"
PAID_AND_EARNED = "it adds earned activity to paid activity, and pinsight stores only paid ad actions"
EFFECTIVE = "an effective figure taken over paid and earned activity together; pinsight stores only paid ad actions"
GROSS = "it counts activity before invalid traffic is filtered out, and pinsight keeps no unfiltered record"
NOT_STORED = "pinsight does not store this attribute of its ads entities"
UNDOCUMENTED_BASE = "Pinterest does not say what the rate is taken over, and pinsight will not guess a denominator"
WEB_SESSIONS = "sessions are measured on the advertiser's site by the Pinterest tag; pinsight receives no sessions"
DISTINCT_PEOPLE = ("a count of distinct people, which is not a sum of stored figures, and Pinterest's may "
                   "include earned views")


def _format(name: str) -> str:
    return f"{name} are an ad format pinsight does not model"


# ---- declaration helpers --------------------------------------------------------------------
def _counts(name: str, category: Category, display_name: str, definition: str, action: str) -> AdColumn:
    return AdColumn(name, category, display_name, definition, "STORED", stored=Stored(counts=action))


def _spend(name: str, display_name: str, definition: str) -> AdColumn:
    return AdColumn(name, "cost", display_name, definition, "STORED", stored=Stored(sums="spend_micro_dollar"))


def _ratio(
    name: str,
    category: Category,
    display_name: str,
    definition: str,
    numerator: tuple[Part, ...],
    denominator: tuple[Part, ...],
    scale: Fraction = Fraction(1),
) -> AdColumn:
    return AdColumn(name, category, display_name, definition, "DERIVED", formula=Ratio(numerator, denominator, scale))


def _sum(
    name: str, category: Category, display_name: str, definition: str, parts: tuple[Part, ...],
    scale: Fraction = Fraction(1),
) -> AdColumn:
    return AdColumn(name, category, display_name, definition, "DERIVED", formula=Sum(parts, scale))


def _attributed(
    name: str,
    display_name: str,
    definition: str,
    action: AttributionKind,
    event: str | None,
    measure: ConversionMeasure = "COUNT",
    source: ConversionSource = "ALL",
) -> AdColumn:
    return AdColumn(
        name, "conversion", display_name, definition, "ATTRIBUTED",
        attribution=Attribution(action, event, measure, source),
    )


def _entity(
    name: str, display_name: str, definition: str, level: EntityLevel, attribute: str,
    scale: Fraction = Fraction(1),
) -> AdColumn:
    return AdColumn(name, "entity", display_name, definition, "ENTITY",
                    entity=EntityAttribute(level, attribute, scale))


def _unsupported(name: str, category: Category, display_name: str, definition: str, reason: str) -> AdColumn:
    return AdColumn(name, category, display_name, definition, "UNSUPPORTED", reason=reason)


# Money parts, named once.
SPEND = "SPEND_IN_MICRO_DOLLAR"
PAID_IMPRESSIONS = "IMPRESSION_1"

# Paid engagements. Like the organic catalogue (``catalog.metrics.ENGAGEMENT_PARTS``),
# pinsight counts Pin clicks, outbound clicks and saves; Pinterest also counts carousel
# swipes and collection clicks, formats pinsight does not model, so they add nothing.
# CLOSEUP stays out for the organic catalogue's reason: most closeups are Pin clicks too.
PAID_ENGAGEMENT_PARTS: tuple[Part, ...] = ("CLICKTHROUGH_1", "OUTBOUND_CLICK_1", "REPIN_1")


CATALOGUE: tuple[AdColumn, ...] = (
    _spend("SPEND_IN_MICRO_DOLLAR", "Spend (micro)",
           "Money spent on the ads in the period, in micro units of the account currency."),
    # PAID_IMPRESSION and IMPRESSION_1 are one count under two names: impressions of the ad itself.
    _counts("PAID_IMPRESSION", "delivery", "Paid impressions", "Impressions of the ad that were paid for.",
            "IMPRESSION"),
    _sum("SPEND_IN_DOLLAR", "cost", "Spend",
         "Money spent on the ads in the period, in whole units of the account currency.",
         (SPEND,), MICRO),
    # Pinterest's plain CPC is taken over paid Pin clicks; its ECPC (below) over paid and earned ones.
    _ratio("CPC_IN_MICRO_DOLLAR", "cost", "Cost per Pin click (micro)",
           "Spend divided by paid Pin clicks, in micro units.",
           (SPEND,), ("CLICKTHROUGH_1",)),
    _unsupported("ECPC_IN_MICRO_DOLLAR", "cost", "Effective cost per Pin click (micro)",
                 "Spend divided by paid and earned Pin clicks, in micro units.", EFFECTIVE),
    _unsupported("ECPC_IN_DOLLAR", "cost", "Effective cost per Pin click",
                 "Spend divided by paid and earned Pin clicks, in whole currency units.", EFFECTIVE),
    _ratio("CTR", "engagement", "Paid Pin click rate", "Paid Pin clicks per paid impression.",
           ("CLICKTHROUGH_1",), (PAID_IMPRESSIONS,)),
    _unsupported("ECTR", "engagement", "Pin click rate (paid and earned)",
                 "Paid and earned Pin clicks per paid and earned impression.", EFFECTIVE),
    _ratio("OUTBOUND_CTR_1", "engagement", "Paid outbound click rate", "Paid outbound clicks per paid impression.",
           ("OUTBOUND_CLICK_1",), (PAID_IMPRESSIONS,)),
    _entity("CAMPAIGN_NAME", "Campaign name", "The name given to the campaign.", "CAMPAIGN", "name"),
    _unsupported("CAMPAIGN_BRAND_LABEL", "entity", "Campaign brand label", "The brand label set on the campaign.",
                 NOT_STORED),
    # Ads in pinsight are Pins promoted (ad_pins/analytics is keyed by them), so each ad knows its Pin.
    _entity("PIN_ID", "Promoted Pin ID", "The ID of the Pin the ad promotes.", "AD", "pin_id"),
    _unsupported("TOTAL_ENGAGEMENT", "engagement", "Engagements (paid and earned)",
                 "Paid and earned engagements with the ad added together.", PAID_AND_EARNED),
    _sum("ENGAGEMENT_1", "engagement", "Paid engagements", "Paid Pin clicks, outbound clicks and saves added together.",
         PAID_ENGAGEMENT_PARTS),
    _unsupported("ENGAGEMENT_2", "engagement", "Earned engagements",
                 "Engagements with copies of the ad that people saved to their own boards.", EARNED),
    _unsupported("ECPE_IN_DOLLAR", "cost", "Cost per engagement",
                 "Spend divided by paid and earned engagements, in whole currency units.", EFFECTIVE),
    _ratio("ENGAGEMENT_RATE", "engagement", "Paid engagement rate", "Paid engagements per paid impression.",
           ("ENGAGEMENT_1",), (PAID_IMPRESSIONS,)),
    _unsupported("EENGAGEMENT_RATE", "engagement", "Engagement rate (paid and earned)",
                 "Paid and earned engagements per paid and earned impression.", EFFECTIVE),
    _unsupported("ECPM_IN_MICRO_DOLLAR", "cost", "Effective cost per thousand impressions (micro)",
                 "Spend per thousand paid and earned impressions, in micro units.", EFFECTIVE),
    _ratio("REPIN_RATE", "engagement", "Paid save rate", "Paid saves per paid impression.",
           ("REPIN_1",), (PAID_IMPRESSIONS,)),
    _unsupported("CTR_2", "engagement", "Earned Pin click rate", "Earned Pin clicks per earned impression.", EARNED),
    _entity("CAMPAIGN_ID", "Campaign ID", "The campaign's identifier.", "CAMPAIGN", "id"),
    # Pinterest's advertiser is the ad account: the same identifier under an older name.
    _entity("ADVERTISER_ID", "Advertiser ID", "The ad account's identifier, under its older advertiser name.",
            "AD_ACCOUNT", "id"),
    _entity("AD_ACCOUNT_ID", "Ad account ID", "The ad account's identifier.", "AD_ACCOUNT", "id"),
    # A pin promotion is the older name of an ad.
    _entity("PIN_PROMOTION_ID", "Pin promotion ID", "The ad's identifier, under its older pin promotion name.",
            "AD", "id"),
    _entity("AD_ID", "Ad ID", "The ad's identifier.", "AD", "id"),
    _entity("AD_GROUP_ID", "Ad group ID", "The ad group's identifier.", "AD_GROUP", "id"),
    _entity("CAMPAIGN_ENTITY_STATUS", "Campaign status", "Whether the campaign is active, paused or archived.",
            "CAMPAIGN", "status"),
    _unsupported("CAMPAIGN_OBJECTIVE_TYPE", "entity", "Campaign objective", "The goal the campaign was set up for.",
                 NOT_STORED),
    _ratio("CPM_IN_MICRO_DOLLAR", "cost", "Cost per thousand paid impressions (micro)",
           "Spend per thousand paid impressions, in micro units.", (SPEND,), (PAID_IMPRESSIONS,), Fraction(1000)),
    _ratio("CPM_IN_DOLLAR", "cost", "Cost per thousand paid impressions",
           "Spend per thousand paid impressions, in whole currency units.", (SPEND,), (PAID_IMPRESSIONS,),
           1000 * MICRO),
    _entity("AD_GROUP_NAME", "Ad group name", "The name given to the ad group.", "AD_GROUP", "name"),
    _entity("AD_GROUP_BUDGET_TYPE", "Ad group budget type",
            "Whether the ad group's budget is daily or for its lifetime.",
            "AD_GROUP", "budget_type"),
    _entity("AD_GROUP_BUDGET_IN_LOCAL_CURRENCY", "Ad group budget",
            "The ad group's budget, in whole units of the account currency.", "AD_GROUP", "budget_in_micro_currency",
            MICRO),
    _entity("AD_GROUP_ENTITY_STATUS", "Ad group status", "Whether the ad group is active, paused or archived.",
            "AD_GROUP", "status"),
    _unsupported("AD_GROUP_BID_MULTIPLIER", "entity", "Ad group bid multiplier",
                 "The factor applied to the ad group's bids.", NOT_STORED),
    _unsupported("PROMO_ID", "entity", "Promotion ID", "The identifier of the merchant promotion shown with the ad.",
                 NOT_STORED),
    _unsupported("PROMO_NAME", "entity", "Promotion name", "The name of the merchant promotion shown with the ad.",
                 NOT_STORED),
    _unsupported("ORDER_LINE_ID", "entity", "Order line ID",
                 "The identifier of the billing order line the spend is booked to.",
                 NOT_STORED),
    _unsupported("ORDER_LINE_NAME", "entity", "Order line name",
                 "The name of the billing order line the spend is booked to.",
                 NOT_STORED),
    _counts("CLICKTHROUGH_1", "engagement", "Paid Pin clicks", "Pin clicks on the ad itself.", "CLICK"),
    _counts("REPIN_1", "engagement", "Paid saves", "Saves of the ad itself to a board.", "SAVE"),
    _counts("IMPRESSION_1", "delivery", "Paid impressions (first-order)", "Times the ad itself was on screen.",
            "IMPRESSION"),
    _unsupported("IMPRESSION_1_GROSS", "delivery", "Gross paid impressions",
                 "Paid impressions before invalid traffic is removed.", GROSS),
    _unsupported("CLICKTHROUGH_1_GROSS", "engagement", "Gross paid Pin clicks",
                 "Paid Pin clicks before invalid traffic is removed.", GROSS),
    _counts("OUTBOUND_CLICK_1", "engagement", "Paid outbound clicks",
            "Clicks on the ad that led to its destination off Pinterest.", "OUTBOUND_CLICK"),
    _unsupported("CLICKTHROUGH_2", "engagement", "Earned Pin clicks", "Pin clicks on saved copies of the ad.", EARNED),
    _unsupported("REPIN_2", "engagement", "Earned saves", "Saves made from saved copies of the ad.", EARNED),
    _unsupported("IMPRESSION_2", "delivery", "Earned impressions",
                 "Times a saved copy of the ad was on screen.", EARNED),
    _unsupported("OUTBOUND_CLICK_2", "engagement", "Earned outbound clicks",
                 "Clicks on saved copies of the ad that led off Pinterest.", EARNED),
    _unsupported("TOTAL_CLICKTHROUGH", "engagement", "Pin clicks (paid and earned)",
                 "Paid and earned Pin clicks added together.", PAID_AND_EARNED),
    _unsupported("TOTAL_IMPRESSION", "delivery", "Impressions (paid and earned)",
                 "Paid and earned impressions added together.", PAID_AND_EARNED),
    _unsupported("TOTAL_IMPRESSION_USER", "delivery", "Reach",
                 "How many different people saw the ad.", DISTINCT_PEOPLE),
    _unsupported("TOTAL_IMPRESSION_FREQUENCY", "delivery", "Frequency",
                 "Impressions per person reached, on average.", DISTINCT_PEOPLE),
    # Pinterest divides by paid and earned outbound clicks here; the _1 column below by paid ones only.
    _unsupported("COST_PER_OUTBOUND_CLICK_IN_DOLLAR", "cost", "Cost per outbound click (paid and earned)",
                 "Spend divided by paid and earned outbound clicks, in whole currency units.", PAID_AND_EARNED),
    _ratio("COST_PER_OUTBOUND_CLICK_IN_DOLLAR_1", "cost", "Cost per paid outbound click",
           "Spend divided by paid outbound clicks, in whole currency units.", (SPEND,), ("OUTBOUND_CLICK_1",), MICRO),
    _attributed("TOTAL_ENGAGEMENT_SIGNUP", "Engagement conversions (signup)",
                "Signup events attributed to an engagement with the ad.", "ENGAGEMENT", "signup"),
    _attributed("TOTAL_ENGAGEMENT_CHECKOUT", "Engagement conversions (checkout)",
                "Checkout events attributed to an engagement with the ad.", "ENGAGEMENT", "checkout"),
    _attributed("TOTAL_ENGAGEMENT_LEAD", "Engagement conversions (lead)",
                "Lead events attributed to an engagement with the ad.", "ENGAGEMENT", "lead"),
    _attributed("TOTAL_CLICK_SIGNUP", "Click conversions (signup)",
                "Signup events attributed to a click on the ad.", "CLICK", "signup"),
    _attributed("TOTAL_CLICK_CHECKOUT", "Click conversions (checkout)",
                "Checkout events attributed to a click on the ad.", "CLICK", "checkout"),
    _attributed("TOTAL_CLICK_ADD_TO_CART", "Click conversions (add to cart)",
                "Add-to-cart events attributed to a click on the ad.", "CLICK", "add_to_cart"),
    _attributed("TOTAL_CLICK_LEAD", "Click conversions (lead)",
                "Lead events attributed to a click on the ad.", "CLICK", "lead"),
    _attributed("TOTAL_VIEW_SIGNUP", "View conversions (signup)",
                "Signup events attributed to a view of the ad.", "VIEW", "signup"),
    _attributed("TOTAL_VIEW_CHECKOUT", "View conversions (checkout)",
                "Checkout events attributed to a view of the ad.", "VIEW", "checkout"),
    _attributed("TOTAL_VIEW_ADD_TO_CART", "View conversions (add to cart)",
                "Add-to-cart events attributed to a view of the ad.", "VIEW", "add_to_cart"),
    _attributed("TOTAL_VIEW_LEAD", "View conversions (lead)",
                "Lead events attributed to a view of the ad.", "VIEW", "lead"),
    _attributed("TOTAL_CONVERSIONS", "Conversions",
                "Conversion events of every type attributed to any interaction with the ad.", "TOTAL", None),
    _attributed("TOTAL_ENGAGEMENT_SIGNUP_VALUE_IN_MICRO_DOLLAR", "Engagement conversion value (signup)",
                "Value of the signup events attributed to an engagement, in micro units.",
                "ENGAGEMENT", "signup", "VALUE"),
    _attributed("TOTAL_ENGAGEMENT_CHECKOUT_VALUE_IN_MICRO_DOLLAR", "Engagement order value (checkout)",
                "Value of the checkout events attributed to an engagement, in micro units.",
                "ENGAGEMENT", "checkout", "VALUE"),
    _attributed("TOTAL_CLICK_SIGNUP_VALUE_IN_MICRO_DOLLAR", "Click conversion value (signup)",
                "Value of the signup events attributed to a click, in micro units.", "CLICK", "signup", "VALUE"),
    _attributed("TOTAL_CLICK_CHECKOUT_VALUE_IN_MICRO_DOLLAR", "Click order value (checkout)",
                "Value of the checkout events attributed to a click, in micro units.", "CLICK", "checkout", "VALUE"),
    _attributed("TOTAL_VIEW_SIGNUP_VALUE_IN_MICRO_DOLLAR", "View conversion value (signup)",
                "Value of the signup events attributed to a view, in micro units.", "VIEW", "signup", "VALUE"),
    _attributed("TOTAL_VIEW_CHECKOUT_VALUE_IN_MICRO_DOLLAR", "View order value (checkout)",
                "Value of the checkout events attributed to a view, in micro units.", "VIEW", "checkout", "VALUE"),
    _unsupported("TOTAL_WEB_SESSIONS", "engagement", "Web sessions (paid and earned)",
                 "Browser sessions on the advertiser's site that followed the ad or a saved copy of it.", WEB_SESSIONS),
    _unsupported("WEB_SESSIONS_1", "engagement", "Paid web sessions",
                 "Browser sessions on the advertiser's site that followed the ad.", WEB_SESSIONS),
    _unsupported("WEB_SESSIONS_2", "engagement", "Earned web sessions",
                 "Browser sessions on the advertiser's site that followed a saved copy of the ad.", WEB_SESSIONS),
    _entity("AD_NAME", "Ad name", "The name given to the ad.", "AD", "name"),
    _entity("CAMPAIGN_LIFETIME_SPEND_CAP", "Campaign lifetime budget",
            "The most the campaign may spend over its life, in micro units.", "CAMPAIGN", "lifetime_spend_cap"),
    _unsupported("AD_GROUP_OPTIMIZATION", "entity", "Ad group optimization goal",
                 "What the ad group's bidding is optimized for.", NOT_STORED),
    _entity("CAMPAIGN_DAILY_SPEND_CAP", "Campaign daily budget",
            "The most the campaign may spend in one day, in micro units.", "CAMPAIGN", "daily_spend_cap"),
    _unsupported("CAMPAIGN_BUDGET_OPTIMIZATION", "entity", "Campaign budget optimization",
                 "Whether the campaign shares its budget across its ad groups automatically.", NOT_STORED),
    _unsupported("IS_PREMIERE_CAMPAIGN", "entity", "Premiere campaign",
                 "Whether the campaign is a premiere (reserved) buy.",
                 NOT_STORED),
    _attributed("TOTAL_PAGE_VISIT", "Conversions (page visit)",
                "Page visit events attributed to any interaction with the ad.", "TOTAL", "page_visit"),
    _attributed("TOTAL_SIGNUP", "Conversions (signup)",
                "Signup events attributed to any interaction with the ad.", "TOTAL", "signup"),
    _attributed("TOTAL_CHECKOUT", "Conversions (checkout)",
                "Checkout events attributed to any interaction with the ad.", "TOTAL", "checkout"),
    _attributed("TOTAL_CUSTOM", "Conversions (custom)",
                "Custom events attributed to any interaction with the ad.", "TOTAL", "custom"),
    _attributed("TOTAL_LEAD", "Conversions (lead)",
                "Lead events attributed to any interaction with the ad.", "TOTAL", "lead"),
    _attributed("TOTAL_ADD_TO_WISHLIST", "Conversions (add to wishlist)",
                "Add-to-wishlist events attributed to any interaction with the ad.", "TOTAL", "add_to_wishlist"),
    _attributed("TOTAL_SUBSCRIBE", "Conversions (subscribe)",
                "Subscribe events attributed to any interaction with the ad.", "TOTAL", "subscribe"),
    _attributed("TOTAL_SIGNUP_VALUE_IN_MICRO_DOLLAR", "Conversion value (signup)",
                "Value of the signup events attributed to any interaction, in micro units.",
                "TOTAL", "signup", "VALUE"),
    _attributed("TOTAL_CHECKOUT_VALUE_IN_MICRO_DOLLAR", "Order value (checkout)",
                "Value of the checkout events attributed to any interaction, in micro units.",
                "TOTAL", "checkout", "VALUE"),
    _attributed("TOTAL_CUSTOM_VALUE_IN_MICRO_DOLLAR", "Conversion value (custom)",
                "Value of the custom events attributed to any interaction, in micro units.",
                "TOTAL", "custom", "VALUE"),
    _ratio("PAGE_VISIT_COST_PER_ACTION", "cost", "Cost per page visit",
           "Spend divided by attributed page visit events, in whole currency units.",
           (SPEND,), ("TOTAL_PAGE_VISIT",), MICRO),
    # No sync column reports the value of page visits alone, so the numerator is inline.
    _ratio("PAGE_VISIT_ROAS", "cost", "Return on ad spend (page visit)",
           "Value of attributed page visit events divided by spend.",
           (Attribution("TOTAL", "page_visit", "VALUE", "ALL"),), (SPEND,)),
    _ratio("CHECKOUT_ROAS", "cost", "Return on ad spend (checkout)",
           "Value of attributed checkout events divided by spend.",
           ("TOTAL_CHECKOUT_VALUE_IN_MICRO_DOLLAR",), (SPEND,)),
    _ratio("CUSTOM_ROAS", "cost", "Return on ad spend (custom)", "Value of attributed custom events divided by spend.",
           ("TOTAL_CUSTOM_VALUE_IN_MICRO_DOLLAR",), (SPEND,)),
    _unsupported("PRODUCT_GROUP_AD_IMAGE_TAG", "entity", "Product group image tag",
                 "The image tag of the shopping product group behind the ad.", _format("Shopping product groups")),
    _unsupported("PRODUCT_GROUP_AD_VIDEO_TAG", "entity", "Product group video tag",
                 "The video tag of the shopping product group behind the ad.", _format("Shopping product groups")),
    _counts("VIDEO_3SEC_VIEWS_1", "video", "Paid 3-second video views",
            "Plays of the ad's video lasting 3 seconds or more while at least half of it was on screen.",
            "VIDEO_3S_VIEW"),
    _unsupported("VIDEO_15SEC_UNIQUE_VIEWS_1", "video", "Paid unique 15-second video views",
                 "People who played the ad's video for 15 seconds or more.",
                 "no 15-second play is among pinsight's ad actions, and it counts distinct people"),
    _counts("VIDEO_MRC_VIEWS_1", "video", "Paid video views",
            "Plays of the ad's video lasting 2 seconds or more while at least half of it was on screen.",
            "VIDEO_MRC_VIEW"),
    _unsupported("VIDEO_3SEC_VIEWS_2", "video", "Earned 3-second video views",
                 "3-second plays of saved copies of the ad's video.", EARNED),
    _unsupported("VIDEO_15SEC_UNIQUE_VIEWS_2", "video", "Earned unique 15-second video views",
                 "People who played a saved copy of the ad's video for 15 seconds or more.", EARNED),
    _unsupported("VIDEO_P100_COMPLETE_2", "video", "Earned video completions",
                 "Plays of saved copies of the ad's video that reached its end.", EARNED),
    _unsupported("VIDEO_P0_COMBINED_2", "video", "Earned video starts",
                 "Plays of saved copies of the ad's video that began.", EARNED),
    _unsupported("VIDEO_P25_COMBINED_2", "video", "Earned video plays to 25%",
                 "Plays of saved copies of the ad's video that reached a quarter of it.", EARNED),
    _unsupported("VIDEO_P50_COMBINED_2", "video", "Earned video plays to 50%",
                 "Plays of saved copies of the ad's video that reached its half.", EARNED),
    _unsupported("VIDEO_P75_COMBINED_2", "video", "Earned video plays to 75%",
                 "Plays of saved copies of the ad's video that reached three quarters of it.", EARNED),
    _unsupported("VIDEO_P95_COMBINED_2", "video", "Earned video plays to 95%",
                 "Plays of saved copies of the ad's video that reached 95% of it.", EARNED),
    _unsupported("VIDEO_MRC_VIEWS_2", "video", "Earned video views",
                 "2-second, half-visible plays of saved copies of the ad's video.", EARNED),
    # Whether the base is paid impressions or viewable ones is not published: no guessing.
    _unsupported("PAID_VIDEO_VIEWABLE_RATE", "video", "Paid video viewable rate",
                 "The share of the ad's paid video impressions that met the viewability standard.", UNDOCUMENTED_BASE),
    _unsupported("VIDEO_LENGTH", "entity", "Video length", "How long the ad's video runs.", NOT_STORED),
    _unsupported("VIDEO_SPEND_IN_DOLLAR", "cost", "Video spend", "Money spent on video ads, in whole currency units.",
                 "pinsight does not record which of its ads carry a video"),
    _unsupported("ECPV_IN_DOLLAR", "cost", "Cost per video view",
                 "Spend divided by paid and earned video views, in whole currency units.", EFFECTIVE),
    _unsupported("ECPCV_IN_DOLLAR", "cost", "Cost per completed video view",
                 "Spend divided by paid and earned plays to the video's end, in whole currency units.", EFFECTIVE),
    _unsupported("ECPCV_P95_IN_DOLLAR", "cost", "Cost per video view to 95%",
                 "Spend divided by paid and earned plays reaching 95%, in whole currency units.", EFFECTIVE),
    _unsupported("TOTAL_VIDEO_3SEC_VIEWS", "video", "3-second video views (paid and earned)",
                 "Paid and earned 3-second plays added together.", PAID_AND_EARNED),
    _unsupported("TOTAL_VIDEO_15SEC_UNIQUE_VIEWS", "video", "Unique 15-second video views (paid and earned)",
                 "People who played the ad's video, or a saved copy, for 15 seconds or more.", PAID_AND_EARNED),
    _unsupported("TOTAL_VIDEO_P100_COMPLETE", "video", "Video completions (paid and earned)",
                 "Paid and earned plays that reached the video's end.", PAID_AND_EARNED),
    _unsupported("TOTAL_VIDEO_P0_COMBINED", "video", "Video starts (paid and earned)",
                 "Paid and earned plays that began.", PAID_AND_EARNED),
    _unsupported("TOTAL_VIDEO_P25_COMBINED", "video", "Video plays to 25% (paid and earned)",
                 "Paid and earned plays that reached a quarter of the video.", PAID_AND_EARNED),
    _unsupported("TOTAL_VIDEO_P50_COMBINED", "video", "Video plays to 50% (paid and earned)",
                 "Paid and earned plays that reached the video's half.", PAID_AND_EARNED),
    _unsupported("TOTAL_VIDEO_P75_COMBINED", "video", "Video plays to 75% (paid and earned)",
                 "Paid and earned plays that reached three quarters of the video.", PAID_AND_EARNED),
    _unsupported("TOTAL_VIDEO_P95_COMBINED", "video", "Video plays to 95% (paid and earned)",
                 "Paid and earned plays that reached 95% of the video.", PAID_AND_EARNED),
    _unsupported("TOTAL_VIDEO_MRC_VIEWS", "video", "Video views (paid and earned)",
                 "Paid and earned 2-second, half-visible plays added together.", PAID_AND_EARNED),
    _unsupported("TOTAL_VIDEO_AVG_WATCHTIME_IN_SECOND", "video", "Average watch time (seconds)",
                 "Seconds of play per video start, over paid and earned plays.",
                 "pinsight stores no watch time for ad plays, and the figure includes earned plays"),
    _unsupported("TOTAL_REPIN_RATE", "engagement", "Save rate (paid and earned)",
                 "Paid and earned saves per paid and earned impression.", PAID_AND_EARNED),
    _ratio("WEB_CHECKOUT_COST_PER_ACTION", "cost", "Cost per web checkout",
           "Spend divided by attributed web checkout events, in whole currency units.",
           (SPEND,), ("TOTAL_WEB_CHECKOUT",), MICRO),
    _ratio("WEB_CHECKOUT_ROAS", "cost", "Return on ad spend (web checkout)",
           "Value of attributed web checkout events divided by spend.",
           ("TOTAL_WEB_CHECKOUT_VALUE_IN_MICRO_DOLLAR",), (SPEND,)),
    _attributed("TOTAL_WEB_CHECKOUT", "Web conversions (checkout)",
                "Web checkout events attributed to any interaction with the ad.", "TOTAL", "checkout", "COUNT", "WEB"),
    _attributed("TOTAL_WEB_CHECKOUT_VALUE_IN_MICRO_DOLLAR", "Web order value (checkout)",
                "Value of the web checkout events attributed to any interaction, in micro units.",
                "TOTAL", "checkout", "VALUE", "WEB"),
    _attributed("TOTAL_WEB_CLICK_CHECKOUT", "Web click conversions (checkout)",
                "Web checkout events attributed to a click on the ad.", "CLICK", "checkout", "COUNT", "WEB"),
    _attributed("TOTAL_WEB_CLICK_CHECKOUT_VALUE_IN_MICRO_DOLLAR", "Web click order value (checkout)",
                "Value of the web checkout events attributed to a click, in micro units.",
                "CLICK", "checkout", "VALUE", "WEB"),
    _attributed("TOTAL_WEB_ENGAGEMENT_CHECKOUT", "Web engagement conversions (checkout)",
                "Web checkout events attributed to an engagement with the ad.",
                "ENGAGEMENT", "checkout", "COUNT", "WEB"),
    _attributed("TOTAL_WEB_ENGAGEMENT_CHECKOUT_VALUE_IN_MICRO_DOLLAR", "Web engagement order value (checkout)",
                "Value of the web checkout events attributed to an engagement, in micro units.",
                "ENGAGEMENT", "checkout", "VALUE", "WEB"),
    _attributed("TOTAL_WEB_VIEW_CHECKOUT", "Web view conversions (checkout)",
                "Web checkout events attributed to a view of the ad.", "VIEW", "checkout", "COUNT", "WEB"),
    _attributed("TOTAL_WEB_VIEW_CHECKOUT_VALUE_IN_MICRO_DOLLAR", "Web view order value (checkout)",
                "Value of the web checkout events attributed to a view, in micro units.",
                "VIEW", "checkout", "VALUE", "WEB"),
    # No sync column counts in-app checkouts alone, so the denominator is inline.
    _ratio("INAPP_CHECKOUT_COST_PER_ACTION", "cost", "Cost per in-app checkout",
           "Spend divided by attributed in-app checkout events, in whole currency units.",
           (SPEND,), (Attribution("TOTAL", "checkout", "COUNT", "APP"),), MICRO),
    _attributed("TOTAL_OFFLINE_CHECKOUT", "Offline conversions (checkout)",
                "Offline checkout events attributed to any interaction with the ad.",
                "TOTAL", "checkout", "COUNT", "OFFLINE"),
    _unsupported("TOTAL_APP_INSTALL_CONVERSION_RATE", "conversion", "App install conversion rate",
                 "App installs attributed to the ad, as a rate.", UNDOCUMENTED_BASE),
    _unsupported("TOTAL_INAPP_APP_INSTALL_CONVERSION_RATE", "conversion", "In-app app install conversion rate",
                 "App installs reported from the app and attributed to the ad, as a rate.", UNDOCUMENTED_BASE),
    _unsupported("IDEA_PIN_PRODUCT_TAG_VISIT_1", "engagement", "Paid Idea Pin product tag visits",
                 "Taps on products tagged in the promoted Idea Pin.", _format("Idea Pins")),
    _unsupported("IDEA_PIN_PRODUCT_TAG_VISIT_2", "engagement", "Earned Idea Pin product tag visits",
                 "Taps on products tagged in saved copies of the promoted Idea Pin.", _format("Idea Pins")),
    _unsupported("TOTAL_IDEA_PIN_PRODUCT_TAG_VISIT", "engagement", "Idea Pin product tag visits (paid and earned)",
                 "Paid and earned taps on products tagged in the Idea Pin.", _format("Idea Pins")),
    # Lead ads collect a form on Pinterest; conversion events named "lead" are TOTAL_LEAD.
    _unsupported("LEADS", "conversion", "Lead ad submissions", "Forms submitted through the ad's lead form.",
                 _format("Lead ads (forms filled in on Pinterest)")),
    _unsupported("COST_PER_LEAD", "cost", "Cost per lead ad submission",
                 "Spend divided by lead form submissions.", _format("Lead ads (forms filled in on Pinterest)")),
    _unsupported("QUIZ_COMPLETED", "engagement", "Quizzes completed", "Times someone finished the ad's quiz.",
                 _format("Quiz ads")),
    _unsupported("QUIZ_PIN_RESULT_OPEN", "engagement", "Quiz results opened",
                 "Times someone opened a result Pin at the end of the ad's quiz.", _format("Quiz ads")),
    _unsupported("QUIZ_COMPLETION_RATE", "engagement", "Quiz completion rate",
                 "Finished quizzes as a share of quizzes begun.", _format("Quiz ads")),
    _unsupported("SHOWCASE_PIN_CLICKTHROUGH", "engagement", "Showcase Pin clicks",
                 "Clicks on the showcase ad's cover.", _format("Showcase ads")),
    _unsupported("SHOWCASE_SUBPAGE_CLICKTHROUGH", "engagement", "Showcase card clicks",
                 "Clicks on a card inside the showcase ad.", _format("Showcase ads")),
    _unsupported("SHOWCASE_SUBPIN_CLICKTHROUGH", "engagement", "Showcase sub-Pin clicks",
                 "Clicks on a Pin inside a showcase card.", _format("Showcase ads")),
    _unsupported("SHOWCASE_SUBPAGE_IMPRESSION", "engagement", "Showcase card impressions",
                 "Times a card inside the showcase ad was on screen.", _format("Showcase ads")),
    _unsupported("SHOWCASE_SUBPIN_IMPRESSION", "engagement", "Showcase sub-Pin impressions",
                 "Times a Pin inside a showcase card was on screen.", _format("Showcase ads")),
    _unsupported("SHOWCASE_SUBPAGE_SWIPE_LEFT", "engagement", "Showcase card swipes left",
                 "Leftward swipes between the showcase ad's cards.", _format("Showcase ads")),
    _unsupported("SHOWCASE_SUBPAGE_SWIPE_RIGHT", "engagement", "Showcase card swipes right",
                 "Rightward swipes between the showcase ad's cards.", _format("Showcase ads")),
    _unsupported("SHOWCASE_SUBPIN_SWIPE_LEFT", "engagement", "Showcase sub-Pin swipes left",
                 "Leftward swipes between the Pins of a showcase card.", _format("Showcase ads")),
    _unsupported("SHOWCASE_SUBPIN_SWIPE_RIGHT", "engagement", "Showcase sub-Pin swipes right",
                 "Rightward swipes between the Pins of a showcase card.", _format("Showcase ads")),
    _unsupported("SHOWCASE_SUBPAGE_REPIN", "engagement", "Showcase card saves",
                 "Saves of a card inside the showcase ad.", _format("Showcase ads")),
    _unsupported("SHOWCASE_SUBPIN_REPIN", "engagement", "Showcase sub-Pin saves",
                 "Saves of a Pin inside a showcase card.", _format("Showcase ads")),
    _unsupported("SHOWCASE_SUBPAGE_CLOSEUP", "engagement", "Showcase card closeups",
                 "Times a card inside the showcase ad was opened in close-up.", _format("Showcase ads")),
    _unsupported("SHOWCASE_CARD_THUMBNAIL_SWIPE_FORWARD", "engagement", "Showcase thumbnail swipes forward",
                 "Forward swipes along the showcase ad's card thumbnails.", _format("Showcase ads")),
    _unsupported("SHOWCASE_CARD_THUMBNAIL_SWIPE_BACKWARD", "engagement", "Showcase thumbnail swipes backward",
                 "Backward swipes along the showcase ad's card thumbnails.", _format("Showcase ads")),
    _unsupported("SHOWCASE_AVERAGE_SUBPAGE_CLOSEUP_PER_SESSION", "engagement", "Showcase closeups per session",
                 "Card closeups per showcase visit, on average.", _format("Showcase ads")),
    _unsupported("TOTAL_CHECKOUT_CONVERSION_RATE", "conversion", "Checkout conversion rate",
                 "Attributed checkout events, as a rate.", UNDOCUMENTED_BASE),
    _unsupported("TOTAL_VIEW_CATEGORY_CONVERSION_RATE", "conversion", "View category conversion rate",
                 "Attributed view-category events, as a rate.", UNDOCUMENTED_BASE),
    _unsupported("TOTAL_ADD_TO_CART_CONVERSION_RATE", "conversion", "Add to cart conversion rate",
                 "Attributed add-to-cart events, as a rate.", UNDOCUMENTED_BASE),
    _unsupported("TOTAL_SIGNUP_CONVERSION_RATE", "conversion", "Signup conversion rate",
                 "Attributed signup events, as a rate.", UNDOCUMENTED_BASE),
    _unsupported("TOTAL_PAGE_VISIT_CONVERSION_RATE", "conversion", "Page visit conversion rate",
                 "Attributed page visit events, as a rate.", UNDOCUMENTED_BASE),
    _unsupported("TOTAL_LEAD_CONVERSION_RATE", "conversion", "Lead conversion rate",
                 "Attributed lead events, as a rate.", UNDOCUMENTED_BASE),
    _unsupported("TOTAL_SEARCH_CONVERSION_RATE", "conversion", "Search conversion rate",
                 "Attributed search events, as a rate.", UNDOCUMENTED_BASE),
    _unsupported("TOTAL_WATCH_VIDEO_CONVERSION_RATE", "conversion", "Watch video conversion rate",
                 "Attributed watch-video events, as a rate.", UNDOCUMENTED_BASE),
    # Pinterest files tag events it could not classify as "unknown"; the Conversions API
    # (and so pinsight) accepts only named event types, so there is nothing to count.
    _unsupported("TOTAL_UNKNOWN_CONVERSION_RATE", "conversion", "Unclassified conversion rate",
                 "Attributed events of no recognised type, as a rate.",
                 "pinsight accepts only named event types, and Pinterest does not say what the rate is taken over"),
    _unsupported("TOTAL_CUSTOM_CONVERSION_RATE", "conversion", "Custom conversion rate",
                 "Attributed custom events, as a rate.", UNDOCUMENTED_BASE),
)

SYNC_COLUMNS: dict[str, AdColumn] = {column.name: column for column in CATALOGUE}

SUPPORTED_COLUMNS: tuple[str, ...] = tuple(column.name for column in CATALOGUE if column.supported)
UNSUPPORTED_COLUMNS: tuple[str, ...] = tuple(column.name for column in CATALOGUE if not column.supported)


def _check_part(column: AdColumn, part: Part) -> None:
    if isinstance(part, Attribution):
        _check_attribution(column.name, part)
        return
    referred = SYNC_COLUMNS.get(part)
    if referred is None:
        raise ValueError(f"{column.name}: formula refers to undeclared column {part}")
    if not referred.supported:
        raise ValueError(f"{column.name}: formula refers to unsupported column {part}")
    if not referred.additive:
        raise ValueError(f"{column.name}: formula part {part} is not additive, so the formula is no ratio of sums")


def _check_attribution(name: str, attribution: Attribution) -> None:
    if attribution.action not in ATTRIBUTION_KINDS:
        raise ValueError(f"{name}: unknown attribution kind {attribution.action!r}")
    if attribution.event is not None and attribution.event not in CONVERSION_EVENT_NAMES:
        raise ValueError(f"{name}: unknown conversion event {attribution.event!r}")
    if attribution.measure not in CONVERSION_MEASURES:
        raise ValueError(f"{name}: unknown conversion measure {attribution.measure!r}")
    if attribution.source not in SOURCE_GROUPS:
        raise ValueError(f"{name}: unknown conversion source {attribution.source!r}")


# Which field each kind needs; every other kind-specific field must be left empty.
_KIND_FIELDS = {
    "STORED": "stored",
    "DERIVED": "formula",
    "ATTRIBUTED": "attribution",
    "ENTITY": "entity",
    "UNSUPPORTED": "reason",
}


def _check_catalogue() -> None:
    """Fail at import rather than at request time if the table breaks its own rules."""
    names = [column.name for column in CATALOGUE]
    display_names = [column.display_name for column in CATALOGUE]
    for label, values in (("names", names), ("display names", display_names)):
        duplicates = sorted({value for value in values if values.count(value) > 1})
        if duplicates:
            raise ValueError(f"{label} declared twice: {duplicates}")
    for column in CATALOGUE:
        if column.kind not in KINDS:
            raise ValueError(f"{column.name}: unknown kind {column.kind!r}")
        if column.category not in CATEGORIES:
            raise ValueError(f"{column.name}: unknown category {column.category!r}")
        set_fields = {field for field in _KIND_FIELDS.values() if getattr(column, field) is not None}
        if set_fields != {_KIND_FIELDS[column.kind]}:
            wanted = _KIND_FIELDS[column.kind]
            raise ValueError(f"{column.name}: a {column.kind} column sets exactly {wanted}, not {sorted(set_fields)}")
        if column.stored is not None:
            stored = column.stored
            if (stored.counts is None) == (stored.sums is None):
                raise ValueError(f"{column.name}: a stored column counts one action type or sums one field")
            if stored.counts is not None and stored.counts not in AD_ACTION_TYPES:
                raise ValueError(f"{column.name}: unknown ad action type {stored.counts!r}")
            if stored.sums is not None and stored.sums not in AD_ACTION_SUMS:
                raise ValueError(f"{column.name}: unknown ad action field {stored.sums!r}")
        if column.formula is not None:
            for part in column.formula.inputs:
                _check_part(column, part)
        if column.attribution is not None:
            _check_attribution(column.name, column.attribution)
        if column.entity is not None and column.entity.level not in ENTITY_LEVELS:
            raise ValueError(f"{column.name}: unknown entity level {column.entity.level!r}")
    # Derived columns may build on a derived Sum; that Sum's own parts must not lead back.
    for column in CATALOGUE:
        _check_no_cycle(column.name, ())


def _check_no_cycle(name: str, path: tuple[str, ...]) -> None:
    if name in path:
        raise ValueError(f"formula cycle: {' -> '.join(path + (name,))}")
    formula = SYNC_COLUMNS[name].formula
    for part in formula.inputs if formula is not None else ():
        if isinstance(part, str):
            _check_no_cycle(part, path + (name,))


_check_catalogue()


def parse_columns(values: Iterable[str]) -> list[AdColumn]:
    """The columns a query asked for, in the order first named.

    Accepts the parameter repeated (``?columns=CTR&columns=SPEND_IN_DOLLAR``),
    comma-separated (``?columns=CTR,SPEND_IN_DOLLAR``) or both. Surrounding blanks and
    empty items are ignored; names are case-sensitive, as in the spec's enum; repeats
    collapse to the first. Returns [] when nothing was named: the caller decides what
    that means (the spec makes ``columns`` required).

    Raises InvalidParameters naming every unknown column and every column pinsight
    cannot compute (with why), so a client never receives a made-up value.
    """
    names: list[str] = []
    for value in values:
        names.extend(item.strip() for item in value.split(",") if item.strip())
    names = list(_unique(names))
    unknown = [name for name in names if name not in SYNC_COLUMNS]
    unsupported = [SYNC_COLUMNS[name] for name in names if name in SYNC_COLUMNS and not SYNC_COLUMNS[name].supported]
    problems = []
    if unknown:
        problems.append(f"unknown column(s) {', '.join(unknown)}")
    if unsupported:
        problems.append(
            "column(s) pinsight cannot compute from what it stores: "
            + "; ".join(f"{column.name} ({column.reason})" for column in unsupported)
        )
    if problems:
        raise InvalidParameters(f"Invalid columns: {'. '.join(problems)}.")
    return [SYNC_COLUMNS[name] for name in names]
