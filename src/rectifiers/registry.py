"""One record per activation: its function, its derivative, its parameters.

Everything that needs "all the activations" (the network, the tests, the book's
galleries) iterates over :data:`rectifiers.ACTIVATIONS`; nothing else names them.

>>> from rectifiers import ACTIVATIONS
>>> leaky = ACTIVATIONS["leaky_relu"]
>>> leaky(-2.0), leaky.derivative(-2.0)
(-0.02, 0.01)
>>> steeper = leaky.with_params(negative_slope=0.2)
>>> steeper(-2.0), steeper.derivative(-2.0)
(-0.4, 0.2)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

__all__ = ["Activation", "Learnable", "Registry"]


@dataclass(frozen=True)
class Learnable:
    """A parameter of an activation that the network learns, like PReLU's slope.

    ``name`` is the keyword the activation's functions take (``"slope"``), ``init``
    its initial value (one per hidden unit), and ``gradient(x, **params)`` the
    derivative of the activation with respect to it, elementwise.
    """

    name: str
    init: float
    gradient: Callable


class _Params(Mapping):
    """A read-only ``name -> value`` mapping that, unlike ``MappingProxyType``, pickles
    and deep-copies (so networks holding a record can be copied or sent to a process)."""

    __slots__ = ("_items",)

    def __init__(self, items=()):
        object.__setattr__(self, "_items", dict(items))

    def __getitem__(self, key):
        return self._items[key]

    def __iter__(self):
        return iter(self._items)

    def __len__(self):
        return len(self._items)

    def __setattr__(self, name, value):
        raise AttributeError("an activation's params are read-only: use with_params")

    def __reduce__(self):
        return (_Params, (self._items,))

    def __hash__(self):
        return hash(tuple(sorted(self._items.items(), key=lambda kv: kv[0])))

    def __repr__(self):
        return repr(self._items)


class _Bound:
    """``fn`` with an activation's keyword parameters filled in; ``fn`` stays public."""

    __slots__ = ("fn", "params")

    def __init__(self, fn, params):
        self.fn, self.params = fn, params

    def __call__(self, x, out=None, **overrides):
        return self.fn(x, **{**self.params, **overrides}, out=out)

    def __eq__(self, other):
        return isinstance(other, _Bound) and (self.fn, dict(self.params)) == (
            other.fn, dict(other.params))

    def __hash__(self):
        return hash(self.fn)

    def __repr__(self):
        return f"{self.fn.__name__}(x, **{dict(self.params)})"


@dataclass(frozen=True)
class Activation:
    """An activation function, its derivative and their default keyword values.

    ``act(x, out=None)`` and ``act.derivative(x, out=None)`` call ``function`` and
    ``derivative`` with ``params``; ``act.function`` is the plain function.
    ``with_params(**changes)`` returns a new record, e.g. a Leaky ReLU with another
    slope. ``learnable`` describes a parameter the network learns (PReLU's slope),
    else ``None``. ``piecewise_linear`` is true for a function that is linear on each
    side of 0 and nowhere else kinked (ReLU, Leaky ReLU, PReLU): a network of it is one
    affine map on each activation region, which :mod:`rectifiers.regions` counts.
    ``reference`` is the bibliography key of the primary source (``book/references.bib``).
    """

    name: str
    function: Callable
    derivative: Callable
    params: Mapping[str, float] = field(default_factory=dict)
    learnable: Learnable | None = None
    reference: str = ""
    piecewise_linear: bool = False

    def __post_init__(self):
        if not isinstance(self.name, str) or not self.name:
            raise TypeError(f"name must be a non-empty str, got {self.name!r}")
        for role in ("function", "derivative"):
            if not callable(getattr(self, role)):
                raise TypeError(f"{role} of activation {self.name!r} must be callable")
        if not isinstance(self.piecewise_linear, bool):
            raise TypeError(f"piecewise_linear must be a bool, got {self.piecewise_linear!r}")
        if not isinstance(self.params, Mapping):
            raise TypeError(f"params must be a mapping, got {type(self.params).__name__}")
        params = _Params(self.params)
        object.__setattr__(self, "params", params)
        # The stored derivative is bound to the params; the plain one stays reachable.
        deriv = self.derivative.fn if isinstance(self.derivative, _Bound) else self.derivative
        object.__setattr__(self, "derivative", _Bound(deriv, params))

    def __call__(self, x, out=None, **overrides):
        return self.function(x, **{**self.params, **overrides}, out=out)

    def with_params(self, **changes) -> Activation:
        """A copy with some keyword values changed; unknown names raise ``TypeError``."""
        unknown = sorted(set(changes) - set(self.params))
        if unknown:
            known = ", ".join(sorted(self.params)) or "none"
            raise TypeError(f"{self.name} has no parameter {', '.join(unknown)}; "
                            f"its parameters: {known}")
        return replace(self, params={**self.params, **changes})

    def __hash__(self):
        return hash((self.name, self.function, self.params))

    def __repr__(self):
        params = ", ".join(f"{k}={v!r}" for k, v in self.params.items())
        return f"Activation({self.name!r}{', ' if params else ''}{params})"


class Registry(Mapping):
    """A read-only mapping ``name -> Activation``."""

    def __init__(self, records):
        self._records = {}
        for rec in records:
            if rec.name in self._records:
                raise ValueError(f"two activations named {rec.name!r}")
            self._records[rec.name] = rec

    def __getitem__(self, name):
        try:
            return self._records[name]
        except (KeyError, TypeError):
            known = ", ".join(self._records)
            raise KeyError(f"unknown activation {name!r}; known: {known}") from None

    def __iter__(self):
        return iter(self._records)

    def __len__(self):
        return len(self._records)

    def resolve(self, activation) -> Activation:
        """The record named ``activation``, or ``activation`` itself if it is a record.

        Everything that takes an activation (``MLP``, the regions) asks this, so a name
        and a record are accepted alike. An unknown name raises ``ValueError`` listing
        the known ones; anything else ``TypeError``.

        >>> from rectifiers import ACTIVATIONS
        >>> ACTIVATIONS.resolve("relu") is ACTIVATIONS["relu"]
        True
        """
        if isinstance(activation, Activation):
            return activation
        if isinstance(activation, str):
            if activation in self._records:
                return self._records[activation]
            known = ", ".join(self._records)
            raise ValueError(f"unknown activation {activation!r}; known: {known}")
        raise TypeError("activation must be a name in rectifiers.ACTIVATIONS or an "
                        f"Activation, got {type(activation).__name__}")

    def __repr__(self):
        return f"Registry({list(self._records)})"
