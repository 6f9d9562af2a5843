"""django-tables2 glue for the portal's pages."""

import django_tables2 as tables

from .access import may_read


class ReadableTable(tables.Table):
    """A table of rows of ``Meta.model`` that leaves out the columns ``user`` may not
    read of ``row`` (a row, or a probe standing for every row of the table; R-TEN-3).
    A left-out column is neither shown nor sortable by ``?sort=``."""

    def __init__(self, data, *, user, row=None, **kwargs):
        model = self._meta.model
        hidden = [name for name, column in self.base_columns.items()
                  if not all(may_read(user, model, lookup, row) for lookup in (
                      column.accessor or name, *(column.order_by or ())))]
        super().__init__(data, exclude=hidden, **kwargs)
