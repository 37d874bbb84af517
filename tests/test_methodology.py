"""The methodology file: shipped content, key-by-key overrides, and bad files."""

import re

import pytest

from coachcli.config import load_methodology, merge_over, user_methodology_path
from coachcli.errors import StorageError
from coachcli.methodology_schema import ROOT_CAUSES


def write_override(text: str):
    path = user_methodology_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_shipped_methodology_has_what_coaching_needs():
    method = load_methodology()
    assert len(method.competencies) >= 8
    for key, competency in method.competencies.items():
        assert len(competency.learning) >= 2, key
        assert len(competency.behaviours) == 5, key
        assert set(competency.expected) == set(method.roles), key
    open_stages = [s for s in method.stages.values() if s.outcome == "open"]
    probabilities = [stage.probability for stage in open_stages]
    assert probabilities == sorted(probabilities), "win probability rises with the stage"
    assert {"pipeline", "best_case", "commit", "closed", "omitted"} <= set(
        method.forecast_categories
    )
    assert set(method.root_causes) == set(ROOT_CAUSES)
    assert 6 <= method.cadence.sprint_weeks <= 8
    for part in ("goal", "reality", "obstacles", "way_forward"):
        assert getattr(method.questions.grow, part)
    assert method.questions.deal_review["always"]
    assert all(activity.weekly_target >= 0 for activity in method.activities.values())


def test_override_changes_one_key_and_inherits_the_rest():
    shipped = load_methodology()
    write_override("[stages.negotiation]\nprobability = 0.6\n\n[cadence]\none_on_one_days = 14\n")
    method = load_methodology()
    assert method.stages["negotiation"].probability == 0.6
    assert method.stages["negotiation"].name == shipped.stages["negotiation"].name
    assert method.cadence.one_on_one_days == 14
    assert method.cadence.sprint_weeks == shipped.cadence.sprint_weeks
    assert list(method.stages) == list(shipped.stages)


def test_merge_replaces_lists_and_merges_tables():
    base = {"a": {"x": 1, "y": [1, 2]}, "b": 2}
    assert merge_over(base, {"a": {"y": [3]}}) == {"a": {"x": 1, "y": [3]}, "b": 2}


@pytest.mark.parametrize(
    ("override", "key"),
    [
        ('[cadence]\none_on_one_days = "weekly"\n', "cadence.one_on_one_days"),
        ("[stages.discovery]\nprobability = 1.5\n", "stages.discovery.probability"),
        ("[competencies.discovery.expected]\nae = 9\n", "competencies.discovery"),
        ("[activities.calls]\nweekly_targett = 5\n", "activities.calls.weekly_targett"),
    ],
)
def test_bad_override_names_the_key(override, key):
    write_override(override)
    with pytest.raises(StorageError) as caught:
        load_methodology()
    assert key in caught.value.message
    assert str(user_methodology_path()) in caught.value.message


def test_bad_override_is_exit_1_in_the_cli(coach):
    write_override('[cadence]\nsprint_weeks = "six"\n')
    result = coach("team", "add", "Ana", "--no-input")
    assert result.exit_code == 1
    assert "cadence.sprint_weeks" in result.stderr
    assert "Traceback" not in result.stderr


def test_toml_syntax_error_names_the_file(coach):
    path = write_override("[cadence\n")
    result = coach("config", "show")
    assert result.exit_code == 1
    assert str(path) in result.stderr


def test_config_show_and_path(coach):
    shown = coach("config", "show", "--json")
    assert shown.exit_code == 0
    data = shown.json()
    assert (
        data["stages"]["prospecting"]["probability"] < data["stages"]["negotiation"]["probability"]
    )
    table = coach("config", "show")
    assert "Discovery" in table.stdout and "Cadence" in table.stdout
    markdown = coach("config", "show", "--format", "markdown").stdout
    assert markdown.startswith("# ") and "## Competencies" in markdown
    assert coach("config", "path").stdout.strip() == str(user_methodology_path())


def test_config_show_lists_the_pipeline_rules_in_effect_with_their_keys(coach):
    write_override("[pipeline]\nstale_days = 21\n\n[pipeline.limits]\npast_close = 0.05\n")
    table = coach("config", "show").stdout
    rules = table[table.index("Pipeline health") :]
    assert re.search(r"Stale after, days idle\s+│\s+21 │ pipeline\.stale_days", rules)
    assert re.search(r"Limit: past close\s+│\s+5% │ pipeline\.limits\.past_close", rules)
    assert re.search(r"Limit: no close plan\s+│\s+50% │", rules)  # the shipped default
    markdown = coach("config", "show", "--format", "markdown").stdout
    assert "| Limit: past close | 5% | pipeline.limits.past\\_close |" in markdown
    assert "## Time allocation" in markdown
