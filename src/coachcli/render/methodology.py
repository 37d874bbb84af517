"""The methodology in effect, as sections of records (one table each)."""

from __future__ import annotations

from typing import Any

from coachcli.render.records import Column

Section = tuple[str, list[dict[str, Any]], list[Column]]


def _percent(value: Any) -> str:
    return f"{value:.0%}"


def methodology_sections(data: dict[str, Any]) -> list[Section]:
    """Summaries of a methodology dump (Methodology.model_dump()) for tables and Markdown."""
    roles = list(data["roles"])
    role_names = {key: role["name"] for key, role in data["roles"].items()}
    stages = [
        {"key": k, **v, "exit_criteria": "\n".join(f"• {c}" for c in v["exit_criteria"])}
        for k, v in data["stages"].items()
    ]
    categories = [{"key": k, **v} for k, v in data["forecast_categories"].items()]
    competencies = [
        {"key": k, "name": v["name"], **v["expected"], "learning": len(v["learning"])}
        for k, v in data["competencies"].items()
    ]
    activities = [{"key": k, **v} for k, v in data["activities"].items()]
    cadence = [{"setting": k.replace("_", " "), "value": v} for k, v in data["cadence"].items()]
    time_split = [{"key": k, **v} for k, v in data["time_allocation"].items()]
    return [
        (
            "Stages",
            stages,
            [
                Column("name", "Stage"),
                Column("probability", "Win %", justify="right", show=_percent),
                Column("expected_days", "Days", justify="right"),
                Column("exit_criteria", "Exit criteria"),
            ],
        ),
        (
            "Forecast categories",
            categories,
            [Column("name", "Category"), Column("description", "Evidence")],
        ),
        (
            "Competencies (expected level by role)",
            competencies,
            [
                Column("name", "Competency"),
                *(Column(role, role_names[role], justify="right") for role in roles),
                Column("learning", "Ideas", justify="right"),
            ],
        ),
        (
            "Activities (weekly targets)",
            activities,
            [
                Column("name", "Activity"),
                Column("weekly_target", "Target", justify="right"),
                Column("unit", "Unit"),
            ],
        ),
        (
            "Time allocation (default split of the week)",
            time_split,
            [Column("name", "Activity"), Column("percent", "%", justify="right")],
        ),
        ("Cadence", cadence, [Column("setting", "Setting"), Column("value", "Value")]),
        (
            "Money (rates: coach config fx)",
            [
                {
                    "setting": "Workspace currency: every total is in it",
                    "value": data["currency"],
                    "key": "currency",
                }
            ],
            [
                Column("setting", "Setting"),
                Column("value", "Value"),
                Column("key", "Override key"),
            ],
        ),
        (
            "Pipeline health (limit: the largest share of open deals flagged)",
            pipeline_rules(data["pipeline"]),
            [
                Column("setting", "Rule"),
                Column("value", "Value", justify="right"),
                Column("key", "Override key"),
            ],
        ),
    ]


def pipeline_rules(rules: dict[str, Any]) -> list[dict[str, Any]]:
    """The flags' thresholds, each with the key a methodology file overrides it by."""
    from coachcli.render.pipeline import FLAG_LABELS

    return [
        {
            "setting": "Stale after, days idle",
            "value": rules["stale_days"],
            "key": "pipeline.stale_days",
        },
        {
            "setting": "Pushed after, close-date moves",
            "value": rules["push_limit"],
            "key": "pipeline.push_limit",
        },
        *(
            {
                "setting": f"Limit: {FLAG_LABELS[flag].lower()}",
                "value": _percent(limit),
                "key": f"pipeline.limits.{flag}",
            }
            for flag, limit in rules["limits"].items()
        ),
    ]
