"""Run every scenario of `features/` (on SQLite and PostgreSQL: see conftest)."""

from pytest_bdd import scenarios

from tests.bdd.steps import *
from tests.bdd.steps_actions import *  # H4 wording: the when steps, split from steps.py

scenarios(".")
from tests.bdd.steps_accountability import *  # H2 accountability
from tests.bdd.steps_credit import *  # H3 credit
from tests.bdd.steps_lifetime import *  # H3 lifetime
from tests.bdd.steps_making import *  # H1 making
