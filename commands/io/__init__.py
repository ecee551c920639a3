"""Deals in and out: the spreadsheet import (`importer`, reading with `spreadsheet`, `headers`
and `rows`), `/opp export`, and the demo workspace.

The import modules are used as namespaces by the command line (`importer.run`…) and are loaded
only when it asks for them, so `/opp export` does not pull in the spreadsheet readers.
"""

from commands.io import export
from commands.io.demo import DEMO_TEAM, DEMO_USERS, load_demo
from commands.io.export import Plan

__all__ = ["DEMO_TEAM", "DEMO_USERS", "Plan", "export", "load_demo"]
