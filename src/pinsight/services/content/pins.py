"""Pins: create (from any media source), list with Pinterest's filters, read, update,
delete, and save another pin to one's own board."""

from __future__ import annotations

import json
from datetime import timedelta

from pinsight.services.content.requests import PinCreate, PinSave, PinUpdate
from pinsight.domain.ids import new_id
from pinsight.domain.content.media import build_media
from pinsight.errors import Forbidden, InvalidParameters, PinNotFound, SectionNotFound
from pinsight.services.content import media as media_uploads
from pinsight.services.content import render
from pinsight.services.identity.access import Actor, can_see, check_secret, parse_id
from pinsight.services.content.boards import load_own_board, load_visible_board
from pinsight.services.pages import paginate
from pinsight.services.runtime import Runtime
from pinsight.store.content import content as store
from pinsight.store.organic import metrics as metrics_store
from pinsight.store.locks import lock_owners

PIN_FILTERS = {
    "exclude_native": {"only_saved": True},
    "exclude_repins": {"only_native": True},
    "has_been_promoted": {"only_promoted": True},
}


def render_pins(rows, actor: Actor, conn=None, today=None) -> list[dict]:
    """Pins as the API shows them; with ``conn`` and ``today``, with their ``pin_metrics`` blocks."""
    pins = [render.pin(row, actor.user_id) for row in rows]
    if conn is not None:
        # Metrics are the owner's to see: other users' pins keep pin_metrics null.
        owned = [row["id"] for row in rows if row["owner_id"] == actor.user_id]
        recent = metrics_store.pin_metric_sums(conn, owned, today - timedelta(days=89), today)
        lifetime = metrics_store.pin_metric_sums(conn, owned, None, today)
        for pin in pins:
            pin_id = int(pin["id"])
            if pin_id in owned:
                pin["pin_metrics"] = render.pin_metrics(recent.get(pin_id, {}), lifetime.get(pin_id, {}))
    return pins


def load_visible_pin(conn, actor: Actor, pin_id: str):
    return _visible(actor, store.get_pin(conn, parse_id(pin_id, "Pin", PinNotFound)))


def load_visible_pins(conn, actor: Actor, pin_ids: list[str]):
    """Several pins read in one query, then yielded in the given order, each checked as
    ``load_visible_pin`` checks one (lazily: a caller's own check of one pin runs before
    the next pin's)."""
    ids = [parse_id(pin_id, "Pin", PinNotFound) for pin_id in pin_ids]
    found = store.get_pins(conn, ids)
    for pin_id in ids:
        yield _visible(actor, found.get(pin_id))


def _visible(actor: Actor, pin):
    if pin is None or not can_see(actor, pin["board_owner_id"], pin["board_privacy"]):
        raise PinNotFound()
    if pin["board_privacy"] == "SECRET":
        check_secret(actor, "pins", write=False)
    return pin


def _load_own_pin(conn, actor: Actor, pin_id: str):
    pin = load_visible_pin(conn, actor, pin_id)
    if pin["owner_id"] != actor.user_id:
        raise Forbidden("You can only change pins you own.")
    if pin["board_privacy"] == "SECRET":
        check_secret(actor, "pins", write=True)
    return pin


def _target(conn, actor: Actor, board_id: str | None, section_id: str | None):
    """The board (owned by the actor) and section a pin is to go to."""
    section = None
    if section_id is not None:
        section = store.get_section(conn, parse_id(section_id, "Board section", SectionNotFound))
        if section is None:
            raise SectionNotFound()
        if board_id is None:
            board_id = str(section["board_id"])
    if board_id is None:
        raise InvalidParameters("Invalid parameters: 'board_id' is required.")
    board = load_own_board(conn, actor, board_id)
    if section is not None and section["board_id"] != board["id"]:
        raise SectionNotFound("Sorry! We couldn't find this board section on that board.")
    if board["privacy"] == "SECRET":
        check_secret(actor, "pins", write=True)
    return board, section


# What a saved pin takes from the pin it was saved from.
_COPIED_ON_SAVE = (
    "title",
    "description",
    "link",
    "alt_text",
    "dominant_color",
    "creative_type",
    "source_type",
    "media",
    "is_standard",
)


def _add_pin(conn, rt: Runtime, actor: Actor, board, section, content: dict, parent_id: int | None) -> dict:
    """Insert a pin owned by the actor on ``board``/``section``; return it rendered."""
    pin_id, now = new_id(), rt.clock.now()
    store.insert_pin(
        conn,
        id=pin_id,
        owner_id=actor.user_id,
        board_id=board["id"],
        section_id=section["id"] if section else None,
        has_been_promoted=False,
        parent_pin_id=parent_id,
        created_at=now,
        now=now,
        **content,
    )
    store.touch_board(conn, board["id"], now)
    return render.pin(store.get_pin(conn, pin_id), actor.user_id)


def get_pin(rt: Runtime, actor: Actor, pin_id: str, pin_metrics: bool = False) -> dict:
    with rt.engine.connect() as conn:
        pin = load_visible_pin(conn, actor, pin_id)
        if pin_metrics:
            return render_pins([pin], actor, conn, rt.clock.today())[0]
    return render.pin(pin, actor.user_id)


def create_pin(rt: Runtime, actor: Actor, body: PinCreate) -> dict:
    source_type, creative_type, media, is_standard = build_media(body.media_source)
    with rt.write() as conn:
        if source_type == "video_id":
            media_uploads.check_usable(conn, body.media_source["media_id"], {actor.principal.user_id, actor.user_id})
        board, section = _target(conn, actor, body.board_id, body.board_section_id)
        parent_id = None
        if body.parent_pin_id is not None:
            parent_id = load_visible_pin(conn, actor, body.parent_pin_id)["id"]
        content = {
            "title": body.title,
            "description": body.description,
            "link": body.link,
            "alt_text": body.alt_text,
            "dominant_color": body.dominant_color,
            "creative_type": creative_type,
            "source_type": source_type,
            "media": json.dumps(media),
            "is_standard": is_standard,
        }
        return _add_pin(conn, rt, actor, board, section, content, parent_id)


def list_pins(
    rt: Runtime,
    actor: Actor,
    *,
    pin_filter,
    include_protected_pins: bool,
    pin_type,
    creative_types,
    bookmark,
    page_size,
    pin_metrics: bool = False,
) -> dict:
    with rt.engine.connect() as conn:
        if pin_type == "PRIVATE":
            check_secret(actor, "pins", write=False)
            privacies = ["SECRET"]
        else:
            privacies = ["PUBLIC"]
        if include_protected_pins:
            privacies.append("PROTECTED")
        filters = PIN_FILTERS.get(pin_filter, {})
        types = sorted(set(creative_types or []))
        rows, next_bookmark = paginate(
            rt,
            actor,
            page_size,
            bookmark,
            lambda before, limit: store.list_pins(
                conn,
                owner_id=actor.user_id,
                board_privacies=privacies,
                creative_types=types,
                before_id=before,
                limit=limit,
                **filters,
            ),
            privacies=privacies,
            pin_filter=pin_filter,
            creative_types=types,
        )
        metrics_args = (conn, rt.clock.today()) if pin_metrics else ()
        return {"items": render_pins(rows, actor, *metrics_args), "bookmark": next_bookmark}


def list_board_pins(
    rt: Runtime, actor: Actor, board_id: str, creative_types, bookmark, page_size, pin_metrics: bool = False
) -> dict:
    with rt.engine.connect() as conn:
        board = load_visible_board(conn, actor, board_id)
        if board["privacy"] == "SECRET":
            check_secret(actor, "pins", write=False)
        types = sorted(set(creative_types or []))
        rows, next_bookmark = paginate(
            rt,
            actor,
            page_size,
            bookmark,
            lambda before, limit: store.list_pins(
                conn, board_id=board["id"], creative_types=types, before_id=before, limit=limit
            ),
            board_id=board["id"],
            creative_types=types,
        )
        metrics_args = (conn, rt.clock.today()) if pin_metrics else ()
        return {"items": render_pins(rows, actor, *metrics_args), "bookmark": next_bookmark}


def update_pin(rt: Runtime, actor: Actor, pin_id: str, body: PinUpdate) -> dict:
    fields = body.model_fields_set
    with rt.write() as conn:
        if "link" in fields:
            # The link decides whether the pin's metrics are claimed content: its rollup
            # amounts may move (store.update_pin), so the owner's metrics are locked
            # before the pin is read.
            lock_owners(conn, [actor.user_id])
        pin = _load_own_pin(conn, actor, pin_id)
        changes = {name: getattr(body, name) for name in ("title", "description", "link", "alt_text") if name in fields}
        if "board_id" in fields or "board_section_id" in fields:
            board_id = body.board_id if body.board_id is not None else None
            section_id = body.board_section_id
            if board_id is None and section_id is None:
                # Only the section was cleared: the pin stays on its board.
                board_id = str(pin["board_id"])
            board, section = _target(conn, actor, board_id, section_id)
            changes["board_id"] = board["id"]
            changes["section_id"] = section["id"] if section else None
        if body.carousel_slots is not None:
            media = json.loads(pin["media"])
            items = media.get("items")
            if media.get("media_type") != "multiple_images" or len(body.carousel_slots) != len(items):
                raise InvalidParameters("Invalid parameters: 'carousel_slots' must match the carousel's images.")
            for item, slot in zip(items, body.carousel_slots):
                if "link" in slot.model_fields_set:
                    item["link"] = slot.link
            changes["media"] = json.dumps(media)
        if changes:
            store.update_pin(conn, pin["id"], **changes)
            store.touch_board(conn, changes.get("board_id", pin["board_id"]), rt.clock.now())
        return render.pin(store.get_pin(conn, pin["id"]), actor.user_id)


def delete_pin(rt: Runtime, actor: Actor, pin_id: str) -> None:
    with rt.write() as conn:
        lock_owners(conn, [actor.user_id])
        pin = _load_own_pin(conn, actor, pin_id)
        now = rt.clock.now()
        store.delete_pin(conn, pin["id"], now)
        store.touch_board(conn, pin["board_id"], now)


def save_pin(rt: Runtime, actor: Actor, pin_id: str, body: PinSave) -> dict:
    with rt.write() as conn:
        source = load_visible_pin(conn, actor, pin_id)
        # The saved pin's owner gets a SAVE and a REPIN: lock their metrics (and the
        # saver's, all at once and in order) before anything is written.
        lock_owners(conn, [actor.user_id, source["owner_id"]])
        board, section = _target(conn, actor, body.board_id, body.board_section_id)
        content = {name: source[name] for name in _COPIED_ON_SAVE}
        saved = _add_pin(conn, rt, actor, board, section, content, source["id"])
        if source["owner_id"] != actor.user_id:
            from pinsight.services.organic.events import record_repin

            record_repin(conn, rt, source["id"], int(saved["id"]))
        return saved
