"""Migration 0010 gives the image sizes of pins stored before it integer heights and an
"originals" size, on both databases; other stored media are left as they were."""

import json
from datetime import datetime

import sqlalchemy as sa
from alembic import command

from pinsight.store.db import alembic_config, make_engine
from pinsight.store.tables import media_uploads, pins
from tests.conftest import _database_url

MOMENT = datetime(2026, 1, 1)


def _table(name: str, *columns: str):
    return sa.table(name, *(sa.column(column) for column in columns))


def _old_sizes(url: str, wide: int | None = None) -> dict:
    """Sizes as pinsight stored them before 0010: fixed ones, and width-bound ones whose
    height was known only for PNG uploads."""
    return {"150x150": {"url": url, "width": 150, "height": 150}, "400x300": {"url": url, "width": 400, "height": 300},
            "600x": {"url": url, "width": 600, "height": wide and wide // 2},
            "1200x": {"url": url, "width": 1200, "height": wide}}


def test_pins_before_0010_get_integer_heights(backend, request, tmp_path_factory):
    engine = make_engine(_database_url(backend, request, tmp_path_factory, "pinsight_media_heights"))
    command.upgrade(alembic_config(engine), "0009")
    users = _table("users", "id", "username", "account_type", "about", "website_url", "profile_image",
                   "follower_count", "following_count", "monthly_views", "created_at")
    boards = _table("boards", "id", "owner_id", "name", "privacy", "is_ads_only", "follower_count",
                    "collaborator_count", "created_at", "pins_modified_at")
    era_pins = _table("pins", "id", "owner_id", "board_id", "creative_type", "source_type", "media", "is_standard",
                      "has_been_promoted", "created_at")
    media = {
        1: {"media_type": "image", "images": _old_sizes("https://x/url.jpg")},  # by URL: no height known
        2: {"media_type": "image", "images": _old_sizes("https://x/upload.png", wide=300)},  # a 4:1 PNG upload
        3: {"media_type": "multiple_images", "items": [{"item_type": "image", "images": _old_sizes("https://x/1.jpg"),
                                                        "link": None}] * 2},
        4: {"media_type": "video", "cover_image_url": "https://x/c.jpg", "images": _old_sizes("https://x/c.jpg"),
            "video_url": None, "duration": None, "height": None, "width": None},
        5: {"media_type": "image"},
    }
    with engine.begin() as conn:
        conn.execute(users.insert().values(id=1, username="u", account_type="BUSINESS", about="", website_url="",
                                           profile_image="", follower_count=0, following_count=0, monthly_views=0,
                                           created_at=MOMENT))
        conn.execute(boards.insert().values(id=1, owner_id=1, name="b", privacy="PUBLIC", is_ads_only=False,
                                            follower_count=0, collaborator_count=0, created_at=MOMENT,
                                            pins_modified_at=MOMENT))
        for pin_id, block in media.items():
            conn.execute(era_pins.insert().values(id=pin_id, owner_id=1, board_id=1, creative_type="REGULAR",
                                                  source_type="image_url", media=json.dumps(block), is_standard=True,
                                                  has_been_promoted=False, created_at=MOMENT))
    command.upgrade(alembic_config(engine), "head")
    with engine.connect() as conn:
        stored = {pin_id: json.loads(text) for pin_id, text in conn.execute(sa.select(pins.c.id, pins.c.media))}
        assert conn.execute(sa.select(sa.func.count()).select_from(media_uploads)).scalar_one() == 0
    engine.dispose()

    def heights(images: dict) -> dict:
        return {name: (size["width"], size["height"]) for name, size in images.items()}

    by_default = {"150x150": (150, 150), "400x300": (400, 300), "600x": (600, 900), "1200x": (1200, 1800),
                  "originals": (1000, 1500)}
    assert heights(stored[1]["images"]) == by_default
    assert heights(stored[2]["images"]) == {"150x150": (150, 150), "400x300": (400, 300), "600x": (600, 150),
                                            "1200x": (1200, 300), "originals": (1000, 250)}
    assert stored[2]["images"]["originals"]["url"] == "https://x/upload.png"
    assert [heights(item["images"]) for item in stored[3]["items"]] == [by_default, by_default]
    assert heights(stored[4]["images"]) == by_default and stored[4]["height"] is None  # the video's own size stays unknown
    assert stored[5] == media[5]
