"""Which talk a recording is a take of, as its speaker named it: progress follows one talk's takes.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("recordings") as t:
        t.add_column(sa.Column("talk", sa.String(200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("recordings") as t:
        t.drop_column("talk")
