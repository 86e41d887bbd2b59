"""Run every scenario of `features/` (on SQLite and PostgreSQL: see conftest)."""

from pytest_bdd import scenarios

from tests.bdd.steps import *
from tests.bdd.steps_accountability import *  # the accountability procedure
from tests.bdd.steps_actions import *  # the when steps, split from steps.py
from tests.bdd.steps_avoidance import *  # 回避 (NX-8; 国令第713号第三十六条)
from tests.bdd.steps_bodies import *  # issue 18 — bodies and readings (point 6)
from tests.bdd.steps_calendar import *  # issue 18 — deadlines on the official calendar
from tests.bdd.steps_credit import *  # credit as a process
from tests.bdd.steps_dissent import *  # the making meets accountability: relief for recorded dissent
from tests.bdd.steps_eligibility import *  # 取消评估资格 (国令第713号第四十一条)
from tests.bdd.steps_evidence import *  # issue 18 — preset conclusions and preference (NX-9, XX-7)
from tests.bdd.steps_lifetime import *  # a person for a lifetime
from tests.bdd.steps_making import *  # the making of a decision
from tests.bdd.steps_nx_results import *  # NX-12b: who submits; NX-13: a major change
from tests.bdd.steps_organ_text import *  # the text an organ's decisions fall under (NX-2, XX-2)
from tests.bdd.steps_outsourcing import *  # issue 18 — outsourcing (NX-4, XX-20)
from tests.bdd.steps_process import *  # issue 18 — the whole process, the bound report, XX-17 channels
from tests.bdd.steps_supply import *  # issue 18 — duty to supply (XX-6)
from tests.bdd.steps_unit_fault import *  # a unit's fault in the decision procedure (国令第713号第三十九条)
from tests.bdd.steps_xx_disclosure import *  # acceptance audit — what publication may withhold (息县办法第十七条)
from tests.bdd.steps_xx_preparation import *  # acceptance audit — the preparation phase (息县办法第十一条)

scenarios(".")
