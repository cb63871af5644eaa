"""One handler per step kind.

A step's behaviour (the page it is done on, what must exist before it closes, what it prepares
when a cycle starts) belongs to its kind, never to its printed number: a revised SOP that
renumbers its steps or renames an outcome runs unchanged. Each step module registers its
handler when the application loads (KinerjaConfig.ready imports them); the engine reads this
registry and imports no step module.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured

# A required-input check: given the run and the outcome it would close with, an Indonesian
# sentence saying what is missing, or None.
InputCheck = Callable[..., "str | None"]


@dataclass(frozen=True)
class StepHandler:
    kind: str
    label: str  # the cycle page's link to the step's own page, e.g. "Buka ceklist penerimaan data"
    page: Callable  # page(run) -> the URL of the page the step is done on
    input_checks: tuple[InputCheck, ...] = ()
    on_cycle_start: Callable | None = None  # on_cycle_start(cycle, *, by, kinds)
    returns_to_sections: bool = False  # offers the engine's "kembali ke seksi" outcome
    # For a step that moves between roles before it closes (step 1 down the disposition chain):
    # holders(runs) -> {run pk: the role whose move it is now}, and the page link's label for
    # each such role. Without it, the move is always the step's own actor's.
    holders: Callable | None = None
    holder_labels: dict | None = None


_handlers: dict[str, StepHandler] = {}


def register(handler: StepHandler) -> StepHandler:
    existing = _handlers.get(handler.kind)
    if existing is not None and existing is not handler:
        raise ImproperlyConfigured(f"Step kind {handler.kind!r} has two handlers.")
    _handlers[handler.kind] = handler
    return handler


def handler_for(kind: str) -> StepHandler | None:
    return _handlers.get(kind)


def kinds_returning_to_sections() -> list[str]:
    return sorted(kind for kind, handler in _handlers.items() if handler.returns_to_sections)
