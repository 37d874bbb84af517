"""The questions of `coach deal add`, for a terminal or from flags."""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Any

from coachcli.dates import DATE_FORMS, parse_date
from coachcli.interview.asker import Asker, Choice, Question
from coachcli.methodology_schema import Methodology
from coachcli.money import parse_amount
from coachcli.services.deals import category_key, stage_key
from coachcli.services.fields import clean_text


def ask_new_deal(asker: Asker, methodology: Methodology, today: date, parse_rep) -> dict[str, Any]:
    """The values of a new deal by field name; `parse_rep` turns what was typed into the
    full name of a rep of the team (or refuses it)."""
    stages = [Choice(key, stage.name) for key, stage in methodology.stages.items()]
    categories = [Choice(k, c.name) for k, c in methodology.forecast_categories.items()]
    return {
        "name": asker.text(
            Question("name", "Deal name:", "--name", parse=partial(clean_text, what="name"))
        ),
        "rep": asker.text(Question("rep", "Owner (a rep of the team):", "--rep", parse=parse_rep)),
        "account": asker.text(
            Question(
                "account",
                "Account (optional):",
                "--account",
                required=False,
                parse=partial(clean_text, what="account"),
            )
        ),
        "stage": asker.select(
            Question(
                "stage",
                "Stage:",
                "--stage",
                default=stages[0].value,
                parse=partial(stage_key, methodology),
            ),
            stages,
        ),
        "amount": asker.text(
            Question("amount", "Amount:", "--amount", parse=partial(parse_amount, what="amount"))
        ),
        "close_date": asker.text(
            Question(
                "close_date",
                "Expected close date:",
                "--close",
                parse=partial(parse_date, today=today),
                hint=DATE_FORMS,
                dump=date.isoformat,
            )
        ),
        "forecast_category": asker.select(
            Question(
                "forecast_category",
                "Forecast category:",
                "--category",
                default="pipeline",
                parse=partial(category_key, methodology),
            ),
            categories,
        ),
        "next_step": asker.text(
            Question(
                "next_step",
                "Next step (optional):",
                "--next-step",
                required=False,
                parse=partial(clean_text, what="next step"),
            )
        ),
    }
