"""A recording's deck (the slides it was given with), uploaded beside it in the web app.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("recordings") as t:
        t.add_column(sa.Column("deck_path", sa.Text, nullable=True))
        t.add_column(sa.Column("deck_title", sa.String(500), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("recordings") as t:
        t.drop_column("deck_title")
        t.drop_column("deck_path")
