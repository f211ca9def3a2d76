"""The bundled demo portals: fictional Shanghai district 城管执法局 websites, one per CMS family.

Generated deterministically from a fixed "today" (``build_site(today, family="trs",
clean=False)``; families in ``xunjian.demo.family``, docs/portal-families.md) and
served on loopback by ``xunjian.demo.server``. They are the main test fixture:
every planted defect is declared next to the code that plants it, as an
``Expect`` (must be found) or a ``Decoy`` (must NOT be found).

Contract shared by the portal and every planting module:

* ``DemoSite`` holds ``DemoPage`` objects by path ("/xxgk/index.html") for two
  hosts: ``"portal"`` (the site under audit) and ``"external"`` (a second
  loopback host standing in for other sites and 一网通办).
* Page bodies may contain the placeholders ``{{PORTAL}}`` and ``{{EXTERNAL}}``
  (base URLs without trailing slash); the server substitutes them at serve time.
* A planting module is any ``plants_*.py`` of the family's ``plant_package``
  (``xunjian/demo/plants_*.py`` for ``trs``) defining
  ``contribute(site: DemoSite, today: date) -> None`` plus module-level lists
  ``EXPECTED: list[Expect]`` and ``DECOYS: list[Decoy]``. ``build_site`` imports
  them in name order after the base portal is generated (none when ``clean``).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class DemoPage:
    body: bytes | str
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    # str bodies are encoded with this codec at serve time (e.g. "gbk")
    encoding: str = "utf-8"


@dataclass(frozen=True)
class Expect:
    """A planted defect: ``rule_id`` must report a finding whose page_url (or,
    for link rules, whose target) ends with ``where`` (a path, host-relative; or a name, for a
    finding that has no URL to point at: a missing column targets the column's name).
    ``a11y_scope="all"``: a page-specific accessibility defect on a page that is not its
    template's sample, found only when the browser stage audits every page (``a11y.scope: all``)
    and missed, by design, by ``a11y.scope: sample``."""

    rule_id: str
    where: str
    note: str = ""
    a11y_scope: str = ""


@dataclass(frozen=True)
class Decoy:
    """Something that looks suspicious but is correct: no finding of ``rule_id``
    (or of any rule, when rule_id is "*") may point at ``where``."""

    rule_id: str
    where: str
    note: str = ""


# Re-exported last: these modules import the dataclasses above.
from xunjian.demo.site import DemoSite, build_site, expectations  # noqa: E402

__all__ = ["DemoPage", "Expect", "Decoy", "DemoSite", "build_site", "expectations"]
