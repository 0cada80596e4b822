"""report.html: one self-contained page (styles, script and data inline; no network).

The page is drawn by ``assets/report.js`` from the report's JSON, embedded in a
``<script type="application/json">`` block with every ``<`` escaped, and the
script only ever sets ``textContent``: nothing from a recording can become
markup. The recording itself is referenced by a relative path
(``media/NAME``), next to the page.
"""

from __future__ import annotations

import json
from html import escape
from importlib import resources
from typing import Any

from ..types import Report
from .json import to_dict

__all__ = ["embed_json", "render_html", "render_page"]


def _asset(name: str) -> str:
    return resources.files("podium.report").joinpath("assets", name).read_text(encoding="utf-8")


def embed_json(data: Any) -> str:
    """JSON that is safe inside a ``<script>`` element."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026").replace("\u2028", "\\u2028")


_DRAWN = ("t", "present", "eye_contact", "smile")


def _drawn(sample: dict[str, Any]) -> dict[str, Any]:
    return {k: sample[k] for k in _DRAWN if sample.get(k) is not None}


def render_html(report: Report, media: dict[str, Any] | None = None) -> str:
    """The page for ``report`` and where its recording is (``media``, see ``playback``)."""
    return render_page(to_dict(report), media)


def render_page(data: dict[str, Any], media: dict[str, Any] | None = None) -> str:
    """The page for a report already turned into report.json's dict (``to_dict``), so a caller that writes both
    report.json and the page turns it once."""
    page = dict(data)
    page["media"] = media or {}
    if page.get("face") and page["face"].get("timeline"):
        # the page draws presence, eye contact and smile from the face samples: a long video's whole samples
        # (report.json has them) were two thirds of an 11-minute talk's page
        page["face"] = {**page["face"], "timeline": [_drawn(s) for s in page["face"]["timeline"]]}
    name = escape(data["source"]["path"].replace("\\", "/").rsplit("/", 1)[-1])
    return (
        "<!doctype html>\n<html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width,initial-scale=1'>"
        "<meta http-equiv='Content-Security-Policy' content=\"default-src 'none'; style-src 'unsafe-inline'; "
        "script-src 'unsafe-inline'; media-src 'self' file: blob:; img-src data:\">"
        f"<title>Podium report: {name}</title><style>{_asset('report.css')}</style></head><body>"
        "<main id='app'><noscript><p>This report draws itself with JavaScript; report.json in this folder has every "
        "figure.</p></noscript></main>"
        f"<script type='application/json' id='podium-data'>{embed_json(page)}</script>"
        f"<script>{_asset('report.js')}</script></body></html>\n"
    )
