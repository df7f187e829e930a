"""PostgreSQL aggregates Django does not ship."""

from django.db.models import FloatField, Func


class Percentile(Func):
    """percentile_cont: the interpolated `fraction` quantile of the expression (0.5: the
    median), NULL over no rows."""

    function = "percentile_cont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    contains_aggregate = True
    output_field = FloatField()

    def __init__(self, expression, fraction: float) -> None:
        super().__init__(expression, fraction=float(fraction))
