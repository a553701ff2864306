"""Drawing items in proportion to weights."""

from __future__ import annotations

import itertools
import random
from bisect import bisect
from collections.abc import Sequence
from typing import Generic, TypeVar

T = TypeVar("T")


class Weighted(Generic[T]):
    """Items drawn in proportion to their weights, by bisecting cumulative weights."""

    def __init__(self, items: Sequence[T], weights: Sequence[float]) -> None:
        self.items = list(items)
        self.cumulative = list(itertools.accumulate(weights))

    @classmethod
    def of(cls, pairs: Sequence[tuple[T, float]]) -> Weighted[T]:
        return cls([item for item, _ in pairs], [weight for _, weight in pairs])

    @classmethod
    def zipf(cls, items: Sequence[T], exponent: float = 1.0) -> Weighted[T]:
        """The first item most often, the k-th about 1/k^exponent as often."""
        return cls(items, [1 / rank**exponent for rank in range(1, len(items) + 1)])

    def draw(self, rng: random.Random) -> T:
        return self.items[bisect(self.cumulative, rng.random() * self.cumulative[-1])]
