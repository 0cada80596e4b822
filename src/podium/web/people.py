"""People: a speaker's history across rehearsals, a coach's team, an admin's users and teams."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from ..coach import DIMENSIONS
from ..errors import ParameterError
from ..store import ROLES, Analysis, Job, Recording, Team, User, access, scores_of
from .auth import Account, visible_owner_ids
from .views import CurrentAccount, Problem, check_csrf, not_found, render, store_of, wants_json

router = APIRouter()

METRICS = ("overall", *(d.name for d in DIMENSIONS), "wpm", "fillers_per_min")
_COLUMNS = ("overall", "wpm", "fillers_per_min")  # the rest are in Analysis.scores
_LABELS = {"overall": "Overall score", "wpm": "Pace (words per minute)", "fillers_per_min": "Fillers per minute"}
_BETTER = {"wpm": 0, "fillers_per_min": -1}  # which way is better: scores up (1), fillers down (-1), pace neither (0)
# a rate enters a trend only from rehearsals long enough to score it: a 3 s clip's "122 wpm" is not a rehearsal's pace
_SCORED_BY = {"wpm": "pace", "fillers_per_min": "fillers"}


def history(s: Any, owner_id: int) -> list[dict[str, Any]]:
    """Every analysed rehearsal of ``owner_id``, oldest first, with its scores."""
    return histories(s, [owner_id]).get(owner_id, [])


def histories(s: Any, owner_ids: list[int] | None) -> dict[int, list[dict[str, Any]]]:
    """:func:`history` for many speakers (None: everyone) in one query, reading only the score columns (never
    report.json, which runs to hundreds of kilobytes a rehearsal)."""
    from sqlalchemy import select

    q = (
        select(
            Recording.id,
            Recording.owner_id,
            Recording.title,
            Recording.talk,
            Analysis.created_at,
            Analysis.scores,
            *(getattr(Analysis, m) for m in _COLUMNS),
        )
        .join(Job, Job.recording_id == Recording.id)
        .join(Analysis, Analysis.recording_id == Recording.id)
        .where(Job.status == "done")
        .order_by(Analysis.created_at, Analysis.id)
    )
    if owner_ids is not None:
        q = q.where(Recording.owner_id.in_(owner_ids))
    latest: dict[int, dict[str, Any]] = {}
    for row in s.execute(q).all():  # the latest analysis of each recording wins
        rec_id, owner, title, talk, date, scores, *values = row
        latest[rec_id] = {
            "id": rec_id,
            "owner_id": owner,
            "url": f"/recordings/{rec_id}",
            "title": title,
            "talk": talk,
            "date": date,
            **scores_of(Analysis(scores=scores)),
            **dict(zip(_COLUMNS, values, strict=True)),
        }
    out: dict[int, list[dict[str, Any]]] = {}
    for r in sorted(latest.values(), key=lambda r: (r["date"], r["id"])):
        out.setdefault(r.pop("owner_id"), []).append(r)
    return out


def by_talk(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rehearsals grouped by the talk they are takes of (the one practised last first; takes not named to a
    talk together, last), each group with its own trends: a job talk's pace is not a keynote's."""
    groups: dict[str | None, list[dict[str, Any]]] = {}
    for r in rows:
        groups.setdefault(r["talk"], []).append(r)
    order = sorted(groups, key=lambda t: (t is None, -max(r["id"] for r in groups[t])))
    return [{"talk": t, "rehearsals": groups[t], "trends": trends(groups[t])} for t in order]


def trends(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per metric: its values in order, first and latest, and an SVG line chart."""
    out = []
    for m in METRICS:
        gate = _SCORED_BY.get(m, m)
        values = [r[m] if r[gate] is not None else None for r in rows]
        known = [v for v in values if v is not None]
        if not known:
            continue
        scale = (0.0, 100.0) if m not in ("wpm", "fillers_per_min") else (0.0, max(known) * 1.2 or 1.0)
        out.append(
            {
                "metric": m,
                "label": _LABELS.get(m, m.replace("_", " ").capitalize()),
                "values": values,
                "first": known[0],
                "latest": known[-1],
                "change": round(known[-1] - known[0], 1) if len(known) > 1 else None,
                "better": _BETTER.get(m, 1),
                "svg": chart(values, [_short(r["date"]) for r in rows], *scale, links=[r["url"] for r in rows]),
            }
        )
    return out


def _short(t: Any) -> str:
    """A take's date and time (UTC: the page's own dates are the reader's local time, set by its script; an SVG
    title cannot be), so that two takes of one day are told apart."""
    return f"{t.day} {t:%b %H:%M} UTC" if isinstance(t, datetime) else str(t)[:16]


def chart(values: list[Any], labels: list[str], lo: float, hi: float, links: list[str] | None = None) -> str:
    """A small line chart, as SVG with presentation attributes only (the app's CSP allows no inline style); each
    point shows its value (up to a dozen points) and, with ``links``, opens its take."""
    w, h, pad = 320, 120, 28
    pts = [(i, float(v)) for i, v in enumerate(values) if v is not None]
    n = max(1, len(values) - 1)
    span = (hi - lo) or 1.0

    def xy(i: int, v: float) -> tuple[float, float]:
        return pad + (w - 2 * pad) * (i / n if len(values) > 1 else 0.5), h - pad - (h - 2 * pad) * (v - lo) / span

    parts = [f"<svg viewBox='0 0 {w} {h}' width='{w}' height='{h}' role='img' class='chart'>"]
    parts.append(
        f"<rect x='{pad}' y='{pad}' width='{w - 2 * pad}' height='{h - 2 * pad}' fill='#fafbfd' stroke='#dde'/>"
    )
    for v in (lo, hi):
        y = xy(0, v)[1]
        parts.append(f"<text x='{pad - 4}' y='{y + 4:.0f}' text-anchor='end' font-size='10' fill='#667'>{v:.0f}</text>")
    if len(pts) > 1:
        path = " L".join(f"{x:.1f} {y:.1f}" for x, y in (xy(i, v) for i, v in pts))
        parts.append(f"<path d='M{path}' fill='none' stroke='#3457d5' stroke-width='2'/>")
    for i, v in pts:
        x, y = xy(i, v)
        dot = f"<circle cx='{x:.1f}' cy='{y:.1f}' r='4' fill='#3457d5'><title>{labels[i]}: {v:g}</title></circle>"
        if len(pts) <= 12:
            dot += (
                f"<text x='{x:.1f}' y='{y - 7:.1f}' text-anchor='middle' font-size='10' fill='#1d2330'>{v:.3g}</text>"
            )
        parts.append(f"<a href='{links[i]}'>{dot}</a>" if links else dot)
    for i in sorted({0, len(labels) - 1}):  # the axis counts takes; each point's title says when
        x = xy(i, lo)[0]
        anchor = "start" if i == 0 and len(labels) > 1 else "end" if i else "middle"
        parts.append(
            f"<text x='{x:.0f}' y='{h - 8}' text-anchor='{anchor}' font-size='10' fill='#667'>take {i + 1}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def _speaker(s: Any, account: Account, user_id: int) -> User:
    owners = visible_owner_ids(s, account)
    user = s.get(User, user_id)
    if user is None or (owners is not None and user_id not in owners):
        raise not_found()
    found: User = user
    return found


@router.get("/history")
@router.get("/history.json")
def my_history(request: Request, account: CurrentAccount) -> Response:
    return _history_page(request, account, account.id)


@router.get("/speakers/{user_id:int}/history")
@router.get("/speakers/{user_id:int}/history.json")
def speaker_history(request: Request, user_id: int, account: CurrentAccount) -> Response:
    return _history_page(request, account, user_id)


def _history_page(request: Request, account: Account, user_id: int) -> Response:
    with store_of(request).session() as s:
        user = _speaker(s, account, user_id)
        rows = history(s, user_id)
        name = user.name
    data: dict[str, Any] = {"speaker": {"id": user_id, "name": name}, "rehearsals": rows, "talks": by_talk(rows)}
    if wants_json(request):
        for group in data["talks"]:
            group["trends"] = [{k: v for k, v in t.items() if k != "svg"} for t in group["trends"]]
    return render(request, "history.html", data, account)


@router.get("/team")
@router.get("/team.json")
def team(request: Request, account: CurrentAccount) -> Response:
    """A coach's team (an admin: every team): each speaker's rehearsals, latest score and change since the first."""
    from sqlalchemy import select

    if account.role == "speaker":
        raise not_found()
    with store_of(request).session() as s:
        q = select(User).order_by(User.name)
        if account.role == "coach":
            if account.team_id is None:
                raise Problem(404, "You are a coach without a team; ask an admin to put you in one.")
            q = q.where(User.team_id == account.team_id)
        teams = {t.id: t.name for t in s.scalars(select(Team))}
        people = list(s.scalars(q))
        every = histories(s, None if account.role == "admin" else [u.id for u in people])
        members = []
        for u in people:
            rows = every.get(u.id, [])
            overall = [r["overall"] for r in rows if r["overall"] is not None]
            members.append(
                {
                    "id": u.id,
                    "name": u.name,
                    "role": u.role,
                    "team": teams.get(u.team_id) if u.team_id else None,
                    "rehearsals": len(rows),
                    "last": rows[-1]["date"] if rows else None,
                    "latest_overall": overall[-1] if overall else None,
                    "change": round(overall[-1] - overall[0], 1) if len(overall) > 1 else None,
                    "history_url": f"/speakers/{u.id}/history",
                    "svg": chart([r["overall"] for r in rows], [_short(r["date"]) for r in rows], 0, 100)
                    if len(rows) > 1
                    else "",
                }
            )
    data: dict[str, Any] = {"team": account.team if account.role == "coach" else "all teams", "members": members}
    if wants_json(request):
        data["members"] = [{k: v for k, v in m.items() if k != "svg"} for m in members]
    return render(request, "team.html", data, account)


def _admin(account: Account) -> None:
    if account.role != "admin":
        raise not_found()


@router.get("/admin/users")
@router.get("/admin/users.json")
def users(request: Request, account: CurrentAccount) -> Response:
    from sqlalchemy import select

    _admin(account)
    with store_of(request).session() as s:
        teams = {t.id: t.name for t in s.scalars(select(Team))}
        rows = [
            {
                "id": u.id,
                "name": u.name,
                "email": u.email,
                "role": u.role,
                "team": teams.get(u.team_id) if u.team_id else None,
                "can_sign_in": bool(u.password_hash),
            }
            for u in s.scalars(select(User).order_by(User.id))
        ]
    return render(request, "admin.html", {"users": rows, "teams": sorted(teams.values()), "roles": ROLES}, account)


@router.post("/admin/users", dependencies=[Depends(check_csrf)])
def add_user(
    request: Request,
    account: CurrentAccount,
    email: Annotated[str, Form()],
    password: Annotated[str, Form()],
    name: Annotated[str, Form()] = "",
    role: Annotated[str, Form()] = "speaker",
    team: Annotated[str, Form()] = "",
) -> Response:
    """A new account (an admin chooses its first password; the user changes it on their account page)."""
    _admin(account)
    try:
        store_of(request).add_user(email, name.strip(), role, password, team.strip())
    except ParameterError as e:
        raise Problem(400, str(e)) from None
    return RedirectResponse("/admin/users", status_code=303)


@router.post("/admin/users/{user_id:int}", dependencies=[Depends(check_csrf)])
def change_user(
    request: Request,
    user_id: int,
    account: CurrentAccount,
    role: Annotated[str, Form()],
    team: Annotated[str, Form()] = "",
) -> Response:
    """Change a user's role and team (a new team name creates the team; empty: no team)."""
    _admin(account)
    if user_id == account.id and role != "admin":
        raise Problem(400, "You cannot take your own admin role away (another admin can).")
    try:
        found = store_of(request).set_role(user_id, role, team.strip())
    except ParameterError as e:
        raise Problem(400, str(e)) from None
    if not found:
        raise not_found()
    return RedirectResponse("/admin/users", status_code=303)


@router.post("/admin/users/{user_id:int}/password", dependencies=[Depends(check_csrf)])
def reset_password(
    request: Request, user_id: int, account: CurrentAccount, password: Annotated[str, Form()] = ""
) -> Response:
    """Give a user with an email a new password (a forgotten one); every session of theirs ends. They change it on
    their account page. Speakers without an email (added by ``podium batch --db``) cannot sign in at all."""
    _admin(account)
    store = store_of(request)
    with store.session() as s:
        user = s.get(User, user_id)
        email = user.email if user is not None else None
    if user is None:
        raise not_found()
    if not email:
        raise Problem(400, "This user has no email to sign in with; add them again with one.")
    try:
        store.set_password(email, password)
    except ParameterError as e:
        raise Problem(400, str(e)) from None
    access.end_sessions(store, user_id)
    return RedirectResponse("/admin/users", status_code=303)
