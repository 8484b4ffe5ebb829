"""media uploads; integer heights in every stored image size

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05 18:00:00

* media_uploads: metadata of the media registered through POST /v5/media.
* Pins stored before this revision may hold image sizes with a null height (images given
  by URL, JPEG uploads) and no "originals" size; clients such as api-quickstart's
  copy_pin fail on both. Each such size gets the height of the image's proportions where
  a stored width-bound size shows them, else of the 2:3 default, and "originals" is
  added at the default width (the true size was never recorded).
"""
import json

from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('media_uploads',
    sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('owner_id', sa.BigInteger(), nullable=False),
    sa.Column('media_type', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_media_uploads_owner_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_media_uploads'))
    )
    op.create_index('ix_media_uploads_owner_id_id', 'media_uploads', ['owner_id', 'id'], unique=False)
    _fill_image_heights()


# The rules as of this revision (pinsight.domain.content.media), frozen here as a migration must be.
WIDTH_BOUND = ('600x', '1200x')
DEFAULT_WIDTH, DEFAULT_HEIGHT = 1000, 1500
BATCH = 1000


def _filled(images) -> bool:
    """Give every size of ``images`` an integer height; whether anything changed."""
    if not isinstance(images, dict):
        return False
    ratio = DEFAULT_HEIGHT / DEFAULT_WIDTH
    for name in WIDTH_BOUND:
        size = images.get(name) or {}
        if isinstance(size.get('height'), int) and size.get('width'):
            ratio = size['height'] / size['width']
            break
    changed = False
    for size in images.values():
        if isinstance(size, dict) and size.get('height') is None and size.get('width'):
            size['height'] = max(1, round(size['width'] * ratio))
            changed = True
    if 'originals' not in images and images:
        url = next(iter(images.values())).get('url')
        images['originals'] = {'url': url, 'width': DEFAULT_WIDTH, 'height': max(1, round(DEFAULT_WIDTH * ratio))}
        changed = True
    return changed


def _fill_image_heights() -> None:
    conn = op.get_bind()
    pins = sa.table('pins', sa.column('id', sa.BigInteger()), sa.column('media', sa.Text()))
    last = None
    while True:
        query = sa.select(pins.c.id, pins.c.media).order_by(pins.c.id).limit(BATCH)
        if last is not None:
            query = query.where(pins.c.id > last)
        rows = conn.execute(query).all()
        if not rows:
            return
        for pin_id, text in rows:
            try:
                media = json.loads(text)
            except ValueError:
                continue
            if not isinstance(media, dict):
                continue
            blocks = [media.get('images')] + [item.get('images') for item in media.get('items') or [] if isinstance(item, dict)]
            if any([_filled(images) for images in blocks]):
                conn.execute(pins.update().where(pins.c.id == pin_id).values(media=json.dumps(media)))
        last = rows[-1][0]


def downgrade() -> None:
    op.drop_index('ix_media_uploads_owner_id_id', table_name='media_uploads')
    op.drop_table('media_uploads')
