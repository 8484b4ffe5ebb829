"""What the ads entities' operations share: batches answered item by item, and list filters.

A create or update carries 1 to ``MAX_ITEMS_PER_REQUEST`` items, each answered on its own, in
order. An item that cannot be written raises ``ItemRefused`` with its exception (a field the
spec refuses, a rule across fields, an entity of another account); the others are written.
The spec shapes the entries two ways: campaigns and ad groups answer ``{"data", "exceptions":
[]}`` or ``{"exceptions": [{"code", "message"}]}`` (``listed_entry``), ads ``{"data"}`` or
``{"exceptions": {"code", "message"}}`` (``single_entry``; its AdArrayResponseElement has one
exception object, and the SDK reads it so).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from datetime import UTC, datetime

from pydantic import BaseModel, ValidationError

from pinsight.catalog.ads import DEFAULT_LISTED_STATUSES, ENTITY_STATUSES, MAX_ITEMS_PER_REQUEST
from pinsight.errors import ApiError, InvalidParameters
from pinsight.services.identity.access import Actor

MAX_LISTED_IDS = 250
# The spec's maxLength for the ids of ``campaign_ids`` (its other id filters state none).
MAX_CAMPAIGN_ID_DIGITS = 18
# What a filter's id that no stored entity can have (past 64 bits) stands for: it matches nothing.
_NO_ENTITY = -1
ORDERS = ("ASCENDING", "DESCENDING")


class ItemRefused(Exception):
    """One item of a batch that is not written: its exception entry."""

    def __init__(self, error: ApiError):
        super().__init__(error.message)
        self.error = error


def refused(message: str) -> ItemRefused:
    return ItemRefused(InvalidParameters(f"Invalid parameters: {message}"))


def _describe(error: dict) -> str:
    location = ".".join(str(part) for part in error.get("loc", ()))
    return f"{location}: {error.get('msg', 'invalid value')}" if location else error.get("msg", "invalid value")


def parse_item(model: type[BaseModel], item, actor: Actor, noun: str) -> BaseModel:
    """``item`` as ``model`` (its first problems as the refusal), naming the path's ad account
    when it names one."""
    if not isinstance(item, dict):
        raise refused(f"each {noun} must be a JSON object.")
    try:
        parsed = model.model_validate(item)
    except ValidationError as error:
        raise refused("; ".join(_describe(problem) for problem in error.errors()[:3])) from None
    account = getattr(parsed, "ad_account_id", None)
    if account is not None and int(account) != actor.ad_account_id:
        raise refused("ad_account_id must be the ad account of the path.")
    return parsed


def parse_items(model: type[BaseModel], items: list, actor: Actor, noun: str) -> list[BaseModel | ItemRefused]:
    """Every item parsed, or the refusal standing in its place."""
    parsed: list[BaseModel | ItemRefused] = []
    for item in items:
        try:
            parsed.append(parse_item(model, item, actor, noun))
        except ItemRefused as refusal:
            parsed.append(refusal)
    return parsed


def entity_id(value: str | None, prefix: str = "") -> int | None:
    """The id an item names (digits, after ``prefix`` where the spec allows one: "C" before a
    campaign id, "AG" before an ad group id); None when it cannot name a stored entity (ids
    are signed 64-bit: a larger number would overflow the query, so it is simply not found)."""
    digits = value.removeprefix(prefix) if value else ""
    if not (digits.isascii() and digits.isdigit()) or len(digits) > 19:
        return None
    number = int(digits)
    return number if number < 2**63 else None


def check_batch(items, nouns: str) -> None:
    # The route has checked this already (a plain 400); the service holds to it as well.
    if not isinstance(items, list) or not 1 <= len(items) <= MAX_ITEMS_PER_REQUEST:
        raise InvalidParameters(f"Invalid parameters: send a JSON array of 1 to {MAX_ITEMS_PER_REQUEST} {nouns}.")


def listed_entry(data: dict | None = None, error: ApiError | None = None) -> dict:
    if error is not None:
        return {"exceptions": [{"code": error.code, "message": error.message}]}
    return {"data": data, "exceptions": []}


def single_entry(data: dict | None = None, error: ApiError | None = None) -> dict:
    if error is not None:
        return {"exceptions": {"code": error.code, "message": error.message}}
    return {"data": data}


Entry = Callable[..., dict]


def apply_updates(parsed_items: list[BaseModel | ItemRefused], current: dict[int, dict],
                  not_found: Callable[[str], ApiError], change: Callable[[Any, dict], dict],
                  entry: Entry) -> tuple[list[dict], list[int]]:
    """A batch of update items applied in order to ``current`` (the stored entities by id,
    read once in the write transaction): each answered by ``entry``, with its exception when
    it was refused as parsed, names no entity of ``current`` (``not_found(the id sent)``) or
    is refused by ``change(item, stored) -> updated``, else with the updated entity. An id
    sent twice sees its first change. Returns the answers and the changed ids, sorted."""
    answers: list[dict] = []
    changed: set[int] = set()
    for parsed in parsed_items:
        try:
            if isinstance(parsed, ItemRefused):
                raise parsed
            key = entity_id(parsed.id)
            stored = current.get(key)
            if stored is None:
                raise ItemRefused(not_found(parsed.id))
            updated = change(parsed, stored)
        except ItemRefused as refusal:
            answers.append(entry(error=refusal.error))
            continue
        current[key] = updated
        changed.add(key)
        answers.append(entry(updated))
    return answers, sorted(changed)


def plain(value):
    """A parsed value as JSON data: nested models as dicts without their unset (None) keys."""
    if isinstance(value, BaseModel):
        return value.model_dump(exclude_none=True)
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value


def seconds(moment: datetime) -> int:
    """A naive UTC instant (the runtime clock's, the store's) as Unix seconds."""
    return int(moment.replace(tzinfo=UTC).timestamp())


def loaded(text: str | None):
    return None if text is None else json.loads(text)


def dumped(value) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


# --- list filters --------------------------------------------------------------------------------


def _listed(values: list[str] | None) -> list[str]:
    """Repeated parameters and comma-separated lists alike."""
    return [part for value in values or [] for part in value.split(",") if part]


def id_filter(values: list[str] | None, name: str, max_digits: int | None = None) -> list[int]:
    """The ids of a list filter (``campaign_ids``, ``ad_group_ids``, ``ad_ids``), sorted and
    unique; absent: none. Sent, it names 1 to 250 numeric ids, of at most ``max_digits``
    digits where the spec bounds them; an id no entity can have still filters (matching nothing)."""
    ids = _listed(values)
    if values is not None and not 1 <= len(ids) <= MAX_LISTED_IDS:
        raise InvalidParameters(f"Invalid parameters: {name} takes 1 to {MAX_LISTED_IDS} ids.")
    if any(not (value.isascii() and value.isdigit()) for value in ids):
        raise InvalidParameters(f"Invalid parameters: {name} are numeric ids.")
    if max_digits is not None and any(len(value) > max_digits for value in ids):
        raise InvalidParameters(f"Invalid parameters: {name} are numeric ids of up to {max_digits} digits.")
    return sorted({_NO_ENTITY if (number := entity_id(value)) is None else number for value in ids})


def status_filter(values: list[str] | None) -> list[str]:
    statuses = _listed(values) or list(DEFAULT_LISTED_STATUSES)
    unknown = sorted(set(statuses) - set(ENTITY_STATUSES))
    if unknown:
        raise InvalidParameters(f"Invalid parameters: unknown entity_statuses {', '.join(unknown)}.")
    return sorted(set(statuses))


def only_one_filter(**filters: list[int]) -> None:
    """The spec's lists take one kind of id filter at a time ("Do not provide more than one type")."""
    given = [name for name, ids in filters.items() if ids]
    if len(given) > 1:
        raise InvalidParameters(f"Invalid parameters: filter by only one of {', '.join(filters)} (got {', '.join(given)}).")


def list_order(order: str | None) -> tuple[str, bool]:
    """The order asked (newest first, DESCENDING, when absent) and whether it is ascending."""
    order = order or "DESCENDING"
    return order, order == "ASCENDING"
