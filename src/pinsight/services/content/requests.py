"""Request bodies of the content area, as Pinterest's spec defines them.

Field limits that the database needs (lengths, no NUL characters, no lone surrogates)
are enforced here, so bad input is a 400 before it reaches SQL.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from pinsight.catalog.roles import BOARD_PRIVACIES, UPDATABLE_PRIVACIES


def _storable(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            # JSON can escape a lone surrogate ("\ud800"); no database or JSON encoder takes it back.
            raise ValueError("must be valid Unicode text (no unpaired surrogates)") from None
    return value


Text = Annotated[str, AfterValidator(_storable)]
# The spec's ^\d+$ is an ECMA-262 pattern: ASCII digits only (Python's \d also takes other scripts' digits).
NumericId = Annotated[str, Field(pattern=r"^[0-9]+$", max_length=19)]


class _Body(BaseModel):
    model_config = ConfigDict(extra="ignore")


class BoardCreate(_Body):
    name: Annotated[Text, Field(max_length=180)]
    description: Annotated[Text, Field(max_length=500)] | None = None
    privacy: Literal[BOARD_PRIVACIES] = "PUBLIC"  # type: ignore[valid-type]
    is_ads_only: bool = False


class BoardUpdate(_Body):
    name: Annotated[Text, Field(max_length=180)] | None = None
    description: Annotated[Text, Field(max_length=500)] | None = None
    privacy: Literal[UPDATABLE_PRIVACIES] | None = None  # type: ignore[valid-type]


class SectionBody(_Body):
    name: Annotated[Text, Field(min_length=1, max_length=180)]


class PinCreate(_Body):
    board_id: NumericId | None = None
    board_section_id: NumericId | None = None
    title: Annotated[Text, Field(max_length=100)] | None = None
    description: Annotated[Text, Field(max_length=800)] | None = None
    link: Annotated[Text, Field(max_length=2048)] | None = None
    alt_text: Annotated[Text, Field(max_length=500)] | None = None
    dominant_color: Annotated[Text, Field(max_length=32)] | None = None
    parent_pin_id: NumericId | None = None
    sponsor_id: NumericId | None = None
    media_source: dict[str, Any] | None = None


class CarouselSlot(_Body):
    link: Annotated[Text, Field(max_length=2048)] | None = None


class PinUpdate(_Body):
    board_id: NumericId | None = None
    board_section_id: NumericId | None = None
    title: Annotated[Text, Field(max_length=100)] | None = None
    description: Annotated[Text, Field(max_length=800)] | None = None
    link: Annotated[Text, Field(max_length=2048)] | None = None
    alt_text: Annotated[Text, Field(max_length=500)] | None = None
    carousel_slots: list[CarouselSlot] | None = None


class PinSave(_Body):
    board_id: NumericId | None = None
    board_section_id: NumericId | None = None
