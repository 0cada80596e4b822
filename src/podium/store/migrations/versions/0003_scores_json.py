"""Scores as one JSON column, so that a new coaching dimension needs no migration.

Revision ID: 0003
Revises: 0002
"""

import json

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_OLD = ("pace", "fillers", "pauses", "vocal_variety", "language", "eye_contact", "expression", "framing")


def upgrade() -> None:
    with op.batch_alter_table("analyses") as t:
        t.add_column(sa.Column("scores", sa.Text, nullable=True))
    bind = op.get_bind()
    rows = bind.execute(sa.text(f"select id, {', '.join(_OLD)} from analyses")).all()
    for row in rows:
        scores = {k: v for k, v in zip(_OLD, row[1:], strict=True) if v is not None}
        bind.execute(sa.text("update analyses set scores = :s where id = :i"), {"s": json.dumps(scores), "i": row[0]})
    with op.batch_alter_table("analyses") as t:
        for c in _OLD:
            t.drop_column(c)


def downgrade() -> None:
    with op.batch_alter_table("analyses") as t:
        for c in _OLD:
            t.add_column(sa.Column(c, sa.Float, nullable=True))
    bind = op.get_bind()
    for i, text in bind.execute(sa.text("select id, scores from analyses")).all():
        scores = json.loads(text or "{}")
        values = {c: scores.get(c) for c in _OLD}
        bind.execute(
            sa.text(f"update analyses set {', '.join(f'{c} = :{c}' for c in _OLD)} where id = :i"), {**values, "i": i}
        )
    with op.batch_alter_table("analyses") as t:
        t.drop_column("scores")
