"""The web app's job queue: stage, progress, worker and heartbeat on jobs; media facts on recordings.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("jobs") as t:
        t.add_column(sa.Column("stage", sa.String(40), nullable=True))
        t.add_column(sa.Column("progress", sa.Float, nullable=True))
        t.add_column(sa.Column("worker", sa.String(100), nullable=True))
        t.add_column(sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True))
        t.add_column(sa.Column("note", sa.Text, nullable=True))
    with op.batch_alter_table("recordings") as t:
        t.add_column(sa.Column("has_video", sa.Boolean, nullable=True))
        t.add_column(sa.Column("size_bytes", sa.BigInteger, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("recordings") as t:
        t.drop_column("size_bytes")
        t.drop_column("has_video")
    with op.batch_alter_table("jobs") as t:
        for c in ("note", "heartbeat_at", "worker", "progress", "stage"):
            t.drop_column(c)
