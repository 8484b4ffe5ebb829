"""The Conversions API: ``POST /v5/ad_accounts/{ad_account_id}/events``.

Each event of ``data`` is answered on its own, in order, as the spec's response says:
``processed``, or ``failed`` with its reason (``domain.ads.conversion_events``). The
processed events are stored in one transaction, holding the ad account's lock, and
attributed at once (``services.ads.attributing``). Events are deduplicated by
``event_id`` within the ad account: an event whose id is already stored (or appeared
earlier in the same request) is processed but not stored again, with a warning saying
so, so a client may resend a whole request safely. With ``test=true`` every event is
checked and answered the same way, and nothing is stored.

When every event is processed the answer is 200; when any failed it is 422 with the
same per-event answer in ``details`` (the spec's DetailedError), the processed events
being stored all the same.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal

from pinsight.domain.ads.conversion_events import ConversionEvent, Rejected, check_event
from pinsight.domain.ids import new_id
from pinsight.errors import InvalidParameters, NotAllProcessed
from pinsight.services.ads.attributing import reattribute
from pinsight.services.identity.access import Actor
from pinsight.services.runtime import Runtime
from pinsight.store.ads import conversions as store
from pinsight.store.locks import lock_owners

MAX_EVENTS = 1000
DUPLICATE = "duplicate event_id: an event with this id was already received for this ad account, and is kept once"


def _micro(value: float | None) -> int | None:
    if value is None:
        return None
    micro = (Decimal(repr(value)) * 1_000_000).quantize(Decimal(1), rounding=ROUND_HALF_EVEN)
    return int(micro) if micro < 2**63 else None


def _answers(items: list, now) -> tuple[list[dict], list[tuple[int, ConversionEvent]]]:
    answers: list[dict] = []
    good: list[tuple[int, ConversionEvent]] = []
    for position, item in enumerate(items):
        try:
            event = check_event(item, now)
        except Rejected as rejected:
            answers.append({"status": "failed", "error_message": str(rejected), "warning_message": None})
            continue
        if event.value is not None and _micro(event.value) is None:
            answers.append({"status": "failed", "error_message": "custom_data.value is too large", "warning_message": None})
            continue
        answers.append({"status": "processed", "error_message": None, "warning_message": None})
        good.append((position, event))
    return answers, good


def store_events(conn, ad_account_id: int, events: list[ConversionEvent], now) -> list[bool]:
    """Store the checked events whose ids are new to the ad account and attribute them;
    for each event, whether it was stored (False: a duplicate). The caller holds the
    account's lock (``store.locks``)."""
    stored = store.existing_event_ids(conn, ad_account_id, [event.event_id for event in events])
    rows, keys, kept, fresh = [], [], [], set()
    for event in events:
        if event.event_id in stored or event.event_id in fresh:
            kept.append(False)
            continue
        fresh.add(event.event_id)
        kept.append(True)
        conversion_id = new_id()
        rows.append((conversion_id, ad_account_id, event.event_id, event.event_name, event.action_source, event.at,
                     event.click_id, _micro(event.value), event.currency, event.num_items, event.order_id, now))
        keys.extend((conversion_id, key, ad_account_id) for key in sorted(event.person_keys))
    if rows:
        store.insert_conversions(conn, rows, keys)
        reattribute(conn, ad_account_id, [row[0] for row in rows])
    return kept


def send_events(rt: Runtime, actor: Actor, body, test: bool) -> dict:
    if not isinstance(body, dict) or not isinstance(body.get("data"), list):
        raise InvalidParameters('Invalid parameters: the body must be {"data": [event, ...]}.')
    items = body["data"]
    if not 1 <= len(items) <= MAX_EVENTS:
        raise InvalidParameters(f"Invalid parameters: data holds 1 to {MAX_EVENTS} events.")
    now = rt.clock.now()
    answers, good = _answers(items, now)
    if good and not test:
        with rt.write() as conn:
            lock_owners(conn, [actor.ad_account_id])
            kept = store_events(conn, actor.ad_account_id, [event for _, event in good], now)
        for (position, _), was_kept in zip(good, kept):
            if not was_kept:
                answers[position]["warning_message"] = DUPLICATE
    elif good:
        seen: set[str] = set()
        for position, event in good:  # a test request still says which events would be duplicates
            if event.event_id in seen:
                answers[position]["warning_message"] = DUPLICATE
            seen.add(event.event_id)
    result = {"num_events_received": len(items), "num_events_processed": len(good), "events": answers}
    if len(good) < len(items):
        raise NotAllProcessed(result)
    return result
