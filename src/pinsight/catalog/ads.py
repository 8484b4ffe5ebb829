"""Ads entities' enumerations, declared once (values from Pinterest's v5 spec).

Request bodies (``services.ads.requests``), the list filters, and the published response
models read these tuples; the store keeps the values as plain strings.
"""

from __future__ import annotations

# An entity's status, as a campaign's, an ad group's or an ad's ``status`` and the
# ``entity_statuses`` filter take it.
ENTITY_STATUSES: tuple[str, ...] = ("ACTIVE", "PAUSED", "ARCHIVED", "DRAFT", "DELETED_DRAFT")
# What the lists of campaigns, ad groups and ads show when no ``entity_statuses`` is given (the spec's default).
DEFAULT_LISTED_STATUSES: tuple[str, ...] = ("ACTIVE", "PAUSED")
# A campaign, an ad group or an ad cannot be created already deleted.
CREATABLE_STATUSES: tuple[str, ...] = tuple(status for status in ENTITY_STATUSES if status != "DELETED_DRAFT")
# The campaign objectives a create or update may name (the spec's current ObjectiveType).
OBJECTIVE_TYPES: tuple[str, ...] = ("AWARENESS", "CONSIDERATION", "WEB_CONVERSION", "CATALOG_SALES", "VIDEO_COMPLETION")
# What a campaign's or an ad group's ``summary_status`` may say (the spec's CampaignSummaryStatus
# and AdGroupSummaryStatus have the same values; ``domain.ads.campaigns.summary_status`` decides it).
CAMPAIGN_SUMMARY_STATUSES: tuple[str, ...] = (
    "RUNNING", "PAUSED", "NOT_STARTED", "COMPLETED", "ADVERTISER_DISABLED", "ARCHIVED", "DRAFT", "DELETED_DRAFT",
)
# The kinds of third-party tracking URLs, and how many of each (of what length) a campaign keeps.
TRACKING_URL_EVENTS: tuple[str, ...] = ("impression", "click", "engagement", "buyable_button", "audience_verification")
MAX_TRACKING_URLS_PER_EVENT = 3
MAX_TRACKING_URL_LENGTH = 2000
# Campaign-level bid multipliers: the groups a ``bid_options`` object may hold.
BID_OPTION_GROUPS: tuple[str, ...] = ("app_type_multipliers", "audience_multipliers", "placement_multipliers")
# How many campaigns, ad groups or ads one create or update request carries.
MAX_ITEMS_PER_REQUEST = 30

# --- ad groups -------------------------------------------------------------------------------
# How an ad group spends its budget (the spec's BudgetType): CBO_ADGROUP is the only type of an
# ad group of a campaign with campaign budget optimization, and only there.
BUDGET_TYPES: tuple[str, ...] = ("DAILY", "LIFETIME", "CBO_ADGROUP")
CBO_BUDGET_TYPE = "CBO_ADGROUP"
PACING_DELIVERY_TYPES: tuple[str, ...] = ("STANDARD", "ACCELERATED")
PLACEMENT_GROUPS: tuple[str, ...] = ("ALL", "SEARCH", "BROWSE", "OTHER")
# What an ad group pays for: the spec's ActionType (not the ad actions of ``catalog.ad_actions``).
BILLABLE_EVENTS: tuple[str, ...] = ("CLICKTHROUGH", "IMPRESSION", "VIDEO_V_50_MRC")
BID_STRATEGY_TYPES: tuple[str, ...] = ("AUTOMATIC_BID", "MAX_BID", "TARGET_AVG")
# Pinterest bids for the advertiser: no bid is given with this strategy.
AUTOMATIC_BID = "AUTOMATIC_BID"
PROMOTION_APPLICATION_LEVELS: tuple[str, ...] = ("NONE", "ITEM", "AD_GROUP")
# The oCPM learning mode (``conversion_learning_mode_type``).
LEARNING_MODE_TYPES: tuple[str, ...] = ("NOT_ACTIVE", "ACTIVE")
# The conversion events an ad group may optimize for, and the frequency goals' time ranges
# (the spec's OptimizationGoalMetadata).
OPTIMIZATION_CONVERSION_EVENTS: tuple[str, ...] = (
    "PAGE_VISIT", "SIGNUP", "CHECKOUT", "CUSTOM", "VIEW_CATEGORY", "SEARCH", "ADD_TO_CART", "WATCH_VIDEO", "LEAD",
    "APP_INSTALL",
)
FREQUENCY_TIME_RANGES: tuple[str, ...] = ("THIRTY_DAY", "DAY", "SEVEN_DAY", "TWENTY_MINUTE", "TEN_MINUTE",
                                          "TWENTY_FOUR_HOUR")
MIN_FREQUENCY_GOAL, MAX_FREQUENCY_GOAL = 2, 20
# The campaign objective and billable event pairs whose ad groups must name a bid (the spec's
# bid_in_micro_currency), unless Pinterest bids (AUTOMATIC_BID).
BID_REQUIRED_FOR: frozenset[tuple[str, str]] = frozenset({
    ("AWARENESS", "IMPRESSION"), ("CONSIDERATION", "CLICKTHROUGH"), ("CATALOG_SALES", "CLICKTHROUGH"),
})
# The objective whose ad groups must say what they optimize for (optimization_goal_metadata).
GOAL_REQUIRED_FOR_OBJECTIVE = "WEB_CONVERSION"
# A lifetime frequency cap is only for ad groups billed per impression (CPM).
FREQUENCY_CAP_BILLABLE_EVENT = "IMPRESSION"
# ``bid_multiplier``: 0 removes it, otherwise 0.1 to 10.
MIN_BID_MULTIPLIER, MAX_BID_MULTIPLIER = 0.1, 10.0
# ``targeting_template_ids``: at most one template, and ["0"] clears them.
MAX_TARGETING_TEMPLATES = 1
CLEAR_TARGETING_TEMPLATES = "0"

# Targeting (the spec's TargetingSpec; its keys are the fields of ``services.ads.requests.TargetingSpec``):
# the values of the keys the spec enumerates.
AGE_BUCKETS: tuple[str, ...] = ("18-24", "19+", "20+", "21+", "25-34", "35-44", "45-49", "50-54", "55-64", "65+")
TARGETING_APP_TYPES: tuple[str, ...] = ("android_mobile", "android_tablet", "ipad", "iphone", "web", "web_mobile")
GENDERS: tuple[str, ...] = ("unknown", "male", "female")
TARGETING_STRATEGIES: tuple[str, ...] = ("CHOOSE_YOUR_OWN", "FIND_NEW_CUSTOMERS", "RECONNECT_WITH_USERS")
# MINIMUM_AGE and MAXIMUM_AGE: "18" to "65", and "65+" as a maximum only.
MIN_TARGETED_AGE, MAX_TARGETED_AGE = 18, 65
OPEN_MAXIMUM_AGE = "65+"
# How many values one targeting list may hold (bounded, so one ad group stays a small row).
MAX_TARGETING_VALUES = 500

# --- ads -------------------------------------------------------------------------------------
# An ad's creative type is one of the spec's CreativeType, the same values as a pin's
# (``catalog.pin_formats.CREATIVE_TYPES``). Without one, a video pin's ad is VIDEO, any other REGULAR.
DEFAULT_VIDEO_AD_CREATIVE_TYPE = "VIDEO"
DEFAULT_AD_CREATIVE_TYPE = "REGULAR"
# What an ad's ``summary_status`` may say (the spec's PinPromotionSummaryStatus; ``domain.ads.ads``
# decides it).
AD_SUMMARY_STATUSES: tuple[str, ...] = (
    "APPROVED", "PAUSED", "PENDING", "REJECTED", "ADVERTISER_DISABLED", "ARCHIVED", "DRAFT", "DELETED_DRAFT",
)
# Ad review: pinsight reviews nothing, so every ad it holds is APPROVED, rejected for no reason.
REVIEW_STATUSES: tuple[str, ...] = ("OTHER", "PENDING", "REJECTED", "APPROVED")
PINSIGHT_REVIEW_STATUS = "APPROVED"
CUSTOMIZABLE_CTA_TYPES: tuple[str, ...] = (
    "GET_OFFER", "LEARN_MORE", "ORDER_NOW", "SHOP_NOW", "SIGN_UP", "SUBSCRIBE", "BUY_NOW", "CONTACT_US", "GET_QUOTE",
    "VISIT_SITE", "APPLY_NOW", "BOOK_NOW", "REQUEST_DEMO", "REGISTER_NOW", "FIND_A_DEALER", "ADD_TO_CART",
    "WATCH_NOW", "READ_MORE", "BUY_TICKETS", "DONATE_NOW", "DOWNLOAD", "EXPLORE_MORE", "FIND_A_LOCATION", "GET_DEAL",
    "GET_RECIPE", "GET_SHOWTIMES", "ON_SALE", "PLAY_GAME", "TRY_IT",
)
DISCLOSURE_TYPES: tuple[str, ...] = (
    "NO_DISCLOSURE", "PRESCRIBING_INFORMATION", "PRESCRIBING_INFORMATION_BOX_WARNING", "IMPORTANT_SAFETY_INFO",
    "MED_GUIDE", "PATIENT_INFORMATION",
)
# Where a click on the ad in the grid leads: read-only (the spec ignores what a request sends);
# straight to the destination when the ad or its pin has one.
GRID_CLICK_TYPES: tuple[str, ...] = ("CLOSEUP", "DIRECT_TO_DESTINATION")
QUIZ_TIE_BREAKER_TYPES: tuple[str, ...] = ("RANDOM", "CUSTOM")
# A carousel has at most five cards: its per-card lists hold at most that many links.
MAX_CAROUSEL_CARDS = 5
MAX_AD_NAME_LENGTH = 255

# How many ad accounts one user may own.
MAX_AD_ACCOUNTS_PER_USER = 50

# ISO 4217 currencies and ISO 3166-1 alpha-2 countries an ad account may use.
CURRENCIES: tuple[str, ...] = (
    "UNK", "USD", "GBP", "CAD", "EUR", "AUD", "NZD", "SEK", "ILS", "CHF", "HKD", "JPY", "SGD", "KRW", "NOK",
    "DKK", "PLN", "RON", "HUF", "CZK", "BRL", "MXN", "ARS", "CLP", "COP", "INR", "TRY",
)
COUNTRIES: tuple[str, ...] = (
    "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX", "AZ", "BA",
    "BB", "BD", "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS", "BT", "BV",
    "BW", "BY", "BZ", "CA", "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN", "CO", "CR", "CU",
    "CV", "CW", "CX", "CY", "CZ", "DE", "DJ", "DK", "DM", "DO", "DZ", "EC", "EE", "EG", "EH", "ER", "ES",
    "ET", "FI", "FJ", "FK", "FM", "FO", "FR", "GA", "GB", "GD", "GE", "GF", "GG", "GH", "GI", "GL", "GM",
    "GN", "GP", "GQ", "GR", "GS", "GT", "GU", "GW", "GY", "HK", "HM", "HN", "HR", "HT", "HU", "ID", "IE",
    "IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT", "JE", "JM", "JO", "JP", "KE", "KG", "KH", "KI", "KM",
    "KN", "KR", "KW", "KY", "KZ", "LA", "LB", "LC", "LI", "LK", "LR", "LS", "LT", "LU", "LV", "LY", "MA",
    "MC", "MD", "ME", "MF", "MG", "MH", "MK", "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS", "MT", "MU",
    "MV", "MW", "MX", "MY", "MZ", "NA", "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP", "NR", "NU", "NZ",
    "OM", "PA", "PE", "PF", "PG", "PH", "PK", "PL", "PM", "PN", "PR", "PS", "PT", "PW", "PY", "QA", "RE",
    "RO", "RS", "RU", "RW", "SA", "SB", "SC", "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN",
    "SO", "SR", "SS", "ST", "SV", "SX", "SY", "SZ", "TC", "TD", "TF", "TG", "TH", "TJ", "TK", "TL", "TM",
    "TN", "TO", "TR", "TT", "TV", "TW", "TZ", "UA", "UG", "UM", "US", "UY", "UZ", "VA", "VC", "VE", "VG",
    "VI", "VN", "VU", "WF", "WS", "YE", "YT", "ZA", "ZM", "ZW",
)
