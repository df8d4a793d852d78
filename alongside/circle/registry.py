"""What can be shared, contributed by each app: categories, their rows, and their parts.

The circle knows nothing about check-ins, questionnaires or practice. Each feature app
registers, in its ``AppConfig.ready()``:

- the **categories** it owns (a key, a label, and where its rows live: which model, which
  field names the owner, which field marks a row private), so that ``access.read`` can
  filter any queryset by grants and private flags without knowing the model; and
- optionally a **part** of the person page ("what Ben shares with you"), a small function
  that reads through ``access.read`` and names the template that draws it.

Adding a category touches one app: its own ``apps.py``.

An app may also register a **link kind** (``register_link_kind``): an invitation kind
whose accepting and forming steps the app checks and completes (care's therapist and
client links), so the circle can link two accounts without knowing what the link is for.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import models


@dataclass(frozen=True)
class Source:
    """Rows of one model that belong to a category."""

    model: str  # "app_label.ModelName"
    owner_field: str = "owner"
    # A boolean field: True hides the row from everyone but its owner (and its existence).
    private_field: str | None = None


@dataclass(frozen=True)
class Category:
    key: str
    label: Any  # a lazy translation
    order: int
    sources: tuple[Source, ...] = ()
    # How the owner's access log names it: "Ben looked at <phrase>" ("your needs").
    phrase: Any = ""


@dataclass(frozen=True)
class Part:
    """What a part of the person page needs: a template and its context."""

    template: str
    context: dict[str, Any] = field(default_factory=dict)


# render(viewer, owner, link, audience) -> Part | None. None: nothing to show (draws nothing).
# ``audience`` is whose eyes the part is drawn for: the viewer, except on the owner's own
# safety review ("what does Ben see of me?"), where the owner looks as the other person.
PartRenderer = Callable[[Any, Any, Any, Any], Part | None]


@dataclass(frozen=True)
class PartEntry:
    key: str
    order: int
    render: PartRenderer
    page: str  # "person": what someone shares with me; "circle": my own circle page


@dataclass(frozen=True)
class LinkKind:
    """An invitation kind owned by an app.

    ``check(inviter, user)`` raises ``circle.services.InvitationProblem`` when ``user``
    cannot accept (it runs inside the accepting transaction too); ``formed(link, inviter,
    user)`` completes the link once both grants exist. ``accepter_shares`` says whether
    the person accepting chooses what they share (a therapist accepting a client's
    invitation shares nothing of theirs). ``tell_changes(grant)`` says whether the grantee
    is told, neutrally, of any change to this grant (a therapist needs to know that what a
    client shares changed, never what); partners are never told of narrowing.
    ``after_accept(link, user)`` is where the accepting person goes next (a URL or "").
    ``describe(inviter, user)`` is a sentence for the accept page ("Dana is a verified
    therapist"), or "".
    """

    key: str
    link_kind: str
    check: Callable[[Any, Any], None]
    formed: Callable[[Any, Any, Any], None]
    accepter_shares: bool = True
    tell_changes: Callable[[Any], bool] = lambda grant: False
    after_accept: Callable[[Any, Any], str] = lambda link, user: ""
    describe: Callable[[Any, Any], str] = lambda inviter, user: ""


_link_kinds: dict[str, LinkKind] = {}


def register_link_kind(kind: LinkKind) -> None:
    existing = _link_kinds.get(kind.key)
    if existing is not None and existing != kind:
        raise ValueError(f"link kind {kind.key!r} is already registered")
    _link_kinds[kind.key] = kind


def link_kind(key: str) -> LinkKind | None:
    """The app-owned behaviour of an invitation kind (None for partner/friend/family)."""
    return _link_kinds.get(key)


def link_kind_of_link(link_kind_key: str) -> list[LinkKind]:
    return [k for k in _link_kinds.values() if k.link_kind == link_kind_key]


_categories: dict[str, Category] = {}
_parts: dict[str, PartEntry] = {}


def register(category: Category) -> None:
    """Add a category; registering the same key twice is a programming error."""
    existing = _categories.get(category.key)
    if existing is not None and existing != category:
        raise ValueError(f"sharing category {category.key!r} is already registered")
    _categories[category.key] = category


def register_part(key: str, order: int, render: PartRenderer, *, page: str = "person") -> None:
    """A part of a circle page. On "person" pages ``render(viewer, owner, link, audience)``
    shows what ``owner`` shares with ``audience``; on the "circle" page it is called as
    ``render(me, me, None, me)``."""
    if page not in {"person", "circle"}:
        raise ValueError(f"unknown page {page!r}")
    _parts[f"{page}:{key}"] = PartEntry(key=key, order=order, render=render, page=page)


def categories() -> list[Category]:
    return sorted(_categories.values(), key=lambda c: (c.order, c.key))


def keys() -> list[str]:
    return [c.key for c in categories()]


def get(key: str) -> Category:
    try:
        return _categories[key]
    except KeyError:
        raise ValueError(f"unknown sharing category {key!r}") from None


def choices() -> list[tuple[str, Any]]:
    """For forms: ``ChoiceField(choices=registry.choices)`` (a callable, read lazily)."""
    return [(c.key, c.label) for c in categories()]


def labels(keys_: Iterable[str]) -> list[Any]:
    wanted = set(keys_)
    return [c.label for c in categories() if c.key in wanted]


def phrases(keys_: Iterable[str]) -> list[str]:
    wanted = set(keys_)
    return [str(c.phrase or c.label) for c in categories() if c.key in wanted]


def clean(keys_: Iterable[str]) -> list[str]:
    """Known keys only, in the registry's order (unknown ones are dropped silently)."""
    wanted = set(keys_)
    return [key for key in keys() if key in wanted]


def parts(page: str = "person") -> list[PartEntry]:
    return sorted((p for p in _parts.values() if p.page == page), key=lambda p: (p.order, p.key))


def render_parts(
    page: str, viewer: Any, owner: Any, link: Any, *, audience: Any = None
) -> list[Part]:
    """Each app's part of ``page``, in order; apps with nothing to show draw nothing."""
    audience = viewer if audience is None else audience
    drawn = (entry.render(viewer, owner, link, audience) for entry in parts(page))
    return [part for part in drawn if part is not None]


def source_for(category: Category, model: type[models.Model]) -> Source:
    """How ``model``'s rows belong to ``category``; refuses a model the category lacks."""
    label = model._meta.label
    for source in category.sources:
        if source.model == label:
            return source
    raise ValueError(
        f"{label} rows are not part of the sharing category {category.key!r}; "
        "register a Source for them in the app's ready()"
    )
