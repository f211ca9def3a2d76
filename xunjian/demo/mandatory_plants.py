"""Plant helpers shared by the families' ``plants_mandatory.py`` modules: a mandatory 政府信息公开
column the navigation no longer links (checks/columns.py ``column-missing``, found in discovery
mode by name and alias from ``columns.mandatory``, and in profile mode as "list page not reached"),
and the decoy of a mandatory column linked under one of its aliases.

``unlink(site, target, pages)`` drops every link to ``target`` from ``pages``: a list item holding
only the link goes, an inline link keeps its text (a guide saying "申请方式详见依申请公开" without
the link). The page itself stays on the server, orphaned, as on a real portal whose column was
taken out of the navigation. ``relabel(site, target, old, new, pages)`` renames the link text.
Both fail the build when a page no longer holds the link (the portal changed: update the plant).
"""

from __future__ import annotations

import re

from xunjian.demo import Decoy, Expect


def _anchor(target: str, text: str = r"[^<]*") -> str:
    return rf'<a href="{re.escape(target)}"[^>]*>({text})</a>'


def unlink(site, target: str, drop: list[str], keep_text: list[str] = ()) -> None:
    """Remove the links to ``target``: on ``drop`` pages with their text (navigation rows, list
    items), on ``keep_text`` pages leaving the text (a sentence of an article)."""
    item = re.compile(r"<li>\s*" + _anchor(target) + r"\s*</li>\n?")
    inline = re.compile(r"\s?" + _anchor(target))

    def edit(body: str, path: str, keep: bool) -> str:
        out, n = item.subn("", body)
        out, m = inline.subn(lambda match: match.group(1) if keep else "", out)
        if n + m == 0:
            raise ValueError(f"demo plant: no link to {target} on {path}; the page changed, update the plant")
        return out

    for path, keep in [(p, False) for p in drop] + [(p, True) for p in keep_text]:
        site.edit("portal", path, lambda body, p=path, k=keep: edit(body, p, k), f"unlink {target}")


def relabel(site, target: str, old: str, new: str, pages: list[str]) -> None:
    for path in pages:
        site.replace("portal", path, f'<a href="{target}">{old}</a>', f'<a href="{target}">{new}</a>')


def declarations(missing: str, alias_of: str, alias: str) -> tuple[list[Expect], list[Decoy]]:
    """Expect/Decoy rows of the plant. ``where`` is the column name: the finding's target in both
    discovery mode (page = the homepage) and profile mode (page = the declared list page)."""
    return ([Expect("column-missing", missing, f"mandatory column {missing} linked from nowhere (orphaned)")],
            [Decoy("column-missing", alias_of, f"mandatory column {alias_of} linked as {alias} (an alias)")])
