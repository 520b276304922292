"""Fast constructors for the snapshot's frozen row classes, for the full read's fast path.

A frozen dataclass's generated `__init__` sets every field through `object.__setattr__` (that is
how it gets past its own frozen `__setattr__`): for a pledge, half the time of turning a
fetched tuple into a `Pledge`. A class with `__slots__` stores each field in a slot whose
descriptor can be set directly, which is what `slot_maker` builds a function for. The object it
makes is the one `__init__` makes (tests compare them), and stays frozen to everyone else.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


def slot_maker(cls: type[T]) -> Callable[..., T]:
    """A function taking `cls`'s fields (by position or name, with their defaults) that makes
    the same object as `cls(...)`, filling the slots directly. `cls` must be a slots dataclass
    without `__post_init__` or default factories (it checks)."""
    if not dataclasses.is_dataclass(cls) or "__slots__" not in cls.__dict__:
        raise TypeError(f"{cls.__name__} is not a slots dataclass")
    if hasattr(cls, "__post_init__"):
        raise TypeError(f"{cls.__name__} has __post_init__, which this would skip")
    namespace: dict[str, Any] = {"_new": object.__new__, "_cls": cls}
    params, body = [], []
    for i, field in enumerate(dataclasses.fields(cls)):
        if field.default_factory is not dataclasses.MISSING:
            raise TypeError(f"{cls.__name__}.{field.name} has a default factory")
        namespace[f"_set{i}"] = cls.__dict__[field.name].__set__
        if field.default is dataclasses.MISSING:
            params.append(field.name)
        else:
            namespace[f"_default{i}"] = field.default
            params.append(f"{field.name}=_default{i}")
        body.append(f"    _set{i}(o, {field.name})")
    source = f"def make({', '.join(params)}):\n    o = _new(_cls)\n" + "\n".join(body)
    exec(source + "\n    return o\n", namespace)
    maker: Callable[..., T] = namespace["make"]
    maker.__qualname__ = maker.__name__ = f"make_{cls.__name__}"
    return maker
