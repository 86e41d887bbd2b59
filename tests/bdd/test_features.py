"""Run every scenario of `features/` (on SQLite and PostgreSQL: see conftest)."""

from pytest_bdd import scenarios

from tests.bdd.steps import *
from tests.bdd.steps_accountability import *  # the accountability procedure
from tests.bdd.steps_actions import *  # the when steps, split from steps.py
from tests.bdd.steps_credit import *  # credit as a process
from tests.bdd.steps_dissent import *  # the making meets accountability: relief for recorded dissent
from tests.bdd.steps_eligibility import *  # 取消评估资格 (国令第713号第四十一条)
from tests.bdd.steps_lifetime import *  # a person for a lifetime
from tests.bdd.steps_making import *  # the making of a decision
from tests.bdd.steps_process import *  # issue 18 — the whole process, the bound report, XX-17 channels

scenarios(".")
