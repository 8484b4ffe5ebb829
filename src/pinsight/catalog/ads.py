"""Ads entities' enumerations, declared once (values from Pinterest's v5 spec).

Request bodies (``services.ads.requests``), the list filters, and the published response
models read these tuples; the store keeps the values as plain strings.
"""

from __future__ import annotations

# An entity's status, as a campaign's ``status`` and the ``entity_statuses`` filter take it.
ENTITY_STATUSES: tuple[str, ...] = ("ACTIVE", "PAUSED", "ARCHIVED", "DRAFT", "DELETED_DRAFT")
# What the campaigns list shows when no ``entity_statuses`` is given (the spec's default).
DEFAULT_LISTED_STATUSES: tuple[str, ...] = ("ACTIVE", "PAUSED")
# A campaign cannot be created already deleted.
CREATABLE_STATUSES: tuple[str, ...] = tuple(status for status in ENTITY_STATUSES if status != "DELETED_DRAFT")
# The campaign objectives a create or update may name (the spec's current ObjectiveType).
OBJECTIVE_TYPES: tuple[str, ...] = ("AWARENESS", "CONSIDERATION", "WEB_CONVERSION", "CATALOG_SALES", "VIDEO_COMPLETION")
# What ``summary_status`` may say (``domain.ads.campaigns.summary_status`` decides it).
CAMPAIGN_SUMMARY_STATUSES: tuple[str, ...] = (
    "RUNNING", "PAUSED", "NOT_STARTED", "COMPLETED", "ADVERTISER_DISABLED", "ARCHIVED", "DRAFT", "DELETED_DRAFT",
)
# The kinds of third-party tracking URLs, and how many of each (of what length) a campaign keeps.
TRACKING_URL_EVENTS: tuple[str, ...] = ("impression", "click", "engagement", "buyable_button", "audience_verification")
MAX_TRACKING_URLS_PER_EVENT = 3
MAX_TRACKING_URL_LENGTH = 2000
# Campaign-level bid multipliers: the groups a ``bid_options`` object may hold.
BID_OPTION_GROUPS: tuple[str, ...] = ("app_type_multipliers", "audience_multipliers", "placement_multipliers")
# How many campaigns one create or update request carries.
MAX_CAMPAIGNS_PER_REQUEST = 30
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
