"""Russia's non-working public holidays and the production calendar's moved days off: the
days no school gives lessons on, whatever its own holidays (``Holiday``) say.

What is encoded:

- The non-working public holidays of the Labour Code, art. 112: 1–6 and 8 January (the
  New Year holidays), 7 January (Christmas), 23 February, 8 March, 1 May, 9 May,
  12 June and 4 November.
- Its rule for a holiday on a Saturday or a Sunday: the day off moves to the next
  working day after the holiday (8 March 2026, a Sunday, makes Monday 9 March a day
  off). The rule leaves out 1–8 January: the Government moves those weekend days off
  by a yearly resolution.
- The moves of the resolutions known here (``MOVED``): for 2026, Saturday 3 January to
  Friday 9 January and Sunday 4 January to Thursday 31 December. The resolution for
  2027 is not encoded: its January days off stay where they are until it is added.

Not encoded: a Saturday the resolution makes a working day (a five-day school gives no
lessons on Saturdays anyway, and a six-day school works on them), and regional days
off such as the Day of the Republic of Sakha (Yakutia) on 27 April: a department or a
school enters those as a ``Holiday`` of its own.
"""

import datetime

D = datetime.date

# (month, day): name of the holiday.
PUBLIC_HOLIDAYS = {
    **{(1, n): "Новогодние каникулы" for n in (1, 2, 3, 4, 5, 6, 8)},
    (1, 7): "Рождество Христово",
    (2, 23): "День защитника Отечества",
    (3, 8): "Международный женский день",
    (5, 1): "Праздник Весны и Труда",
    (5, 9): "День Победы",
    (6, 12): "День России",
    (11, 4): "День народного единства",
}
# The holidays whose weekend days off are moved by the Government, not by the rule.
NEW_YEAR = {(1, n) for n in range(1, 9)}

# The Government's yearly resolutions on moving days off: {year: [(the weekend day off,
# the weekday it moves to)]}. Add a year's moves here once its resolution is published.
MOVED = {
    2026: [(D(2026, 1, 3), D(2026, 1, 9)), (D(2026, 1, 4), D(2026, 12, 31))],
}

MOVED_NAME = "Перенесённый выходной день"


def year_days_off(year):
    """{date: name} of the public holidays of ``year`` and the weekdays off they bring."""
    days = {D(year, month, day): name for (month, day), name in PUBLIC_HOLIDAYS.items()}
    moved = dict.fromkeys((to for _from, to in MOVED.get(year, [])), MOVED_NAME)
    for day in sorted(days):
        if day.weekday() < 5 or (day.month, day.day) in NEW_YEAR:
            continue
        # The next working day after the holiday: not a weekend, a holiday or a day
        # already off.
        off = day + datetime.timedelta(days=1)
        while off.weekday() >= 5 or off in days or off in moved:
            off += datetime.timedelta(days=1)
        moved[off] = MOVED_NAME
    return {**moved, **days}


def public_days_off(first_day, last_day):
    """{date: name} of the public holidays and moved days off from ``first_day`` to
    ``last_day`` (both included), weekends included where a holiday falls on one."""
    result = {}
    for year in range(first_day.year, last_day.year + 1):
        result.update({day: name for day, name in year_days_off(year).items()
                       if first_day <= day <= last_day})
    return dict(sorted(result.items()))
