"""Reading form and query fields that must each come once, as text, of bounded length."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from starlette.datastructures import FormData, ImmutableMultiDict
from starlette.exceptions import HTTPException
from starlette.requests import Request

from pinsight.errors import InvalidParameters

# Far above any field limit; bounds what the parser buffers before read_fields looks.
_MAX_PART_BYTES = 64 * 1024


def read_fields(values: ImmutableMultiDict, names: Iterable[str], limits: Mapping[str, int]) -> dict[str, str | None]:
    """Each named field's value, None where absent.

    A repeated field (which one would win?), a file upload or a value longer than its
    limit is refused with a 400 rather than guessed at.
    """
    read: dict[str, str | None] = {}
    for name in names:
        given = values.getlist(name)
        if len(given) > 1:
            raise InvalidParameters(f"Invalid parameters: '{name}' is given more than once.")
        value = given[0] if given else None
        if value is not None and not isinstance(value, str):
            raise InvalidParameters(f"Invalid parameters: '{name}' must be text, not a file.")
        if value is not None and len(value) > limits[name]:
            raise InvalidParameters(f"Invalid parameters: '{name}' is too long (at most {limits[name]} characters).")
        read[name] = value
    return read


async def parse_form(request: Request, *, max_fields: int) -> FormData:
    """The request's form body, files refused as soon as one starts; a malformed body is a 400."""
    try:
        return await request.form(max_files=0, max_fields=max_fields, max_part_size=_MAX_PART_BYTES)
    except HTTPException as exc:
        raise InvalidParameters(f"Invalid parameters: malformed form body ({exc.detail})") from exc
