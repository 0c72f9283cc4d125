import datetime as dt

import pytest

from shop.services import add_working_days, estimated_delivery


@pytest.mark.parametrize(
    ("ordered_on", "expected"),
    [
        (dt.date(2026, 11, 23), dt.date(2026, 11, 26)),  # Monday → Thursday
        (dt.date(2026, 11, 26), dt.date(2026, 12, 1)),  # Thursday → Tuesday (weekend skipped)
        (dt.date(2026, 12, 23), dt.date(2026, 12, 29)),  # Wed → Tue: 25, 26 and the weekend
        (dt.date(2027, 3, 26), dt.date(2027, 4, 1)),  # Easter Monday 29 March 2027 skipped
    ],
)
def test_delivery_takes_three_working_days(ordered_on, expected):
    assert estimated_delivery(ordered_on=ordered_on) == expected


def test_zero_working_days_is_the_same_day():
    assert add_working_days(dt.date(2026, 11, 28), 0) == dt.date(2026, 11, 28)
