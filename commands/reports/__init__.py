"""`/pipeline`, `/forecast` and the App Home: the pipeline seen by stage, by month, and by me.

`board`, `forecast` and `home` are used as namespaces by the listeners; whose deals a report
covers is read by `scope`.
"""

from commands.reports import board, forecast, home
from commands.reports.board import Board, StagePage, filters_of, subject_name
from commands.reports.forecast import Forecast, add_months
from commands.reports.home import Home
from commands.reports.scope import Scope, resolve

__all__ = [
    "Board",
    "Forecast",
    "Home",
    "Scope",
    "StagePage",
    "add_months",
    "board",
    "filters_of",
    "forecast",
    "home",
    "resolve",
    "subject_name",
]
