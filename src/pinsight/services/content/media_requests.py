"""Request bodies of the media area, as Pinterest's spec defines them."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict


class MediaUploadCreate(BaseModel):
    model_config = ConfigDict(extra="ignore")

    # The spec's only media upload type.
    media_type: Literal["video"]
