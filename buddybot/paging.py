"""Pages of a list too long for one keyboard (pure): which items a page shows and whether
there is one before or after it. Telegram refuses a keyboard of more than 100 buttons
("reply markup is too long"; tginfo/Telegram-Limits), so a page's items and its
Previous/Next/Back stay under :data:`BUTTONS_LIMIT`."""

from __future__ import annotations

from dataclasses import dataclass

BUTTONS_LIMIT = 100


@dataclass(frozen=True)
class Page:
    """One page (``number``, from 0) of ``count`` pages of ``size`` items each."""

    number: int
    count: int
    size: int

    @property
    def has_previous(self) -> bool:
        """True when a page comes before this one."""
        return self.number > 0

    @property
    def has_next(self) -> bool:
        """True when a page comes after this one."""
        return self.number + 1 < self.count

    @property
    def items(self) -> slice:
        """This page's items, as a slice of all of them."""
        return slice(self.number * self.size, (self.number + 1) * self.size)


def page_of(total: int, wanted: int, size: int) -> Page:
    """The page ``wanted`` of ``total`` items, ``size`` a page; past the end the last one
    (an old button after the list got shorter). ValueError for a ``size`` whose buttons
    and Previous/Next/Back would not fit one keyboard."""
    if not 0 < size < BUTTONS_LIMIT:
        raise ValueError("a page holds 1 to 99 items")
    count = max(1, -(-total // size))
    return Page(min(max(wanted, 0), count - 1), count, size)
