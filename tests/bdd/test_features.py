"""Run every scenario of `features/` (on SQLite and PostgreSQL: see conftest)."""

from pytest_bdd import scenarios

from tests.bdd.steps import *
from tests.bdd.steps_actions import *  # H4 wording: the when steps, split from steps.py

scenarios(".")
from tests.bdd.steps_accountability import *  # H2 accountability
from tests.bdd.steps_dissent import *  # the making meets accountability: relief for recorded dissent
from tests.bdd.steps_making import *  # H1 making
