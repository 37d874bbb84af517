"""The shape of the methodology file, validated with pydantic.

Kept apart from config.py so that the rules of the file read in one place. Every
table is keyed by a short slug, so a user override can change one field of one
stage or competency and inherit the rest (the merge in config.py is key by key).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from coachcli.currencies import currency_code
from coachcli.errors import Invalid

ROOT_CAUSES = ("knowledge", "skill", "will", "environment")
RootCause = Literal["knowledge", "skill", "will", "environment"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Meta(_Strict):
    name: str
    version: int = Field(ge=1)


class Role(_Strict):
    name: str
    description: str = ""


class Stage(_Strict):
    name: str
    probability: float = Field(ge=0, le=1, description="default win probability")
    expected_days: int = Field(ge=0, description="expected days in this stage")
    exit_criteria: list[str] = []
    outcome: Literal["open", "won", "lost"] = "open"


class ForecastCategory(_Strict):
    name: str
    description: str = ""
    # Where the category stands in the cumulative roll-up; Omitted has none.
    rollup_rank: int | None = Field(default=None, ge=0)


class LearningSuggestion(_Strict):
    title: str
    kind: Literal[
        "course", "reading", "practice", "role-play", "joint-call", "shadowing", "project"
    ]
    cause: RootCause


class Competency(_Strict):
    name: str
    description: str
    # Observable behaviours at levels 1 to 5, lowest first.
    behaviours: list[str] = Field(min_length=5, max_length=5)
    expected: dict[str, int]
    learning: list[LearningSuggestion] = Field(min_length=2)

    @model_validator(mode="after")
    def _levels_in_range(self) -> Competency:
        for role, level in self.expected.items():
            if not 1 <= level <= 5:
                raise ValueError(f"expected level for role {role!r} must be 1 to 5, not {level}")
        return self


class ActivityType(_Strict):
    name: str
    unit: str
    weekly_target: int = Field(ge=0)


class TimeShare(_Strict):
    name: str
    percent: int = Field(ge=0, le=100)


class RootCauseInfo(_Strict):
    name: str
    description: str
    remedy: str


class Cadence(_Strict):
    one_on_one_days: int = Field(ge=1)
    status_check_days: int = Field(ge=1)
    sprint_weeks: int = Field(ge=6, le=8)
    sprint_min_weeks: int = Field(ge=1)
    sprint_max_weeks: int = Field(ge=1)
    grow_minutes: int = Field(ge=1)


class FlagLimits(_Strict):
    """The largest share of open deals each pipeline flag may hold before `--check` fails."""

    stale: float = Field(default=0.25, ge=0, le=1)
    aged: float = Field(default=0.30, ge=0, le=1)
    past_close: float = Field(default=0.10, ge=0, le=1)
    no_next_step: float = Field(default=0.20, ge=0, le=1)
    no_close_plan: float = Field(default=0.50, ge=0, le=1)
    pushed: float = Field(default=0.10, ge=0, le=1)


class PipelineRules(_Strict):
    stale_days: int = Field(default=14, ge=1, description="days without activity")
    push_limit: int = Field(default=3, ge=1, description="close-date pushes that flag a deal")
    limits: FlagLimits = FlagLimits()


class GrowQuestions(_Strict):
    goal: list[str] = Field(min_length=1)
    reality: list[str] = Field(min_length=1)
    obstacles: list[str] = Field(min_length=1)
    way_forward: list[str] = Field(min_length=1)
    closing: list[str] = Field(min_length=1)


class CallPrepQuestions(_Strict):
    objective: list[str] = Field(min_length=1)
    agenda: list[str] = Field(min_length=1)
    questions: list[str] = Field(min_length=1)
    lead: list[str] = Field(min_length=1)
    objections: list[str] = Field(min_length=1)
    manager_role: list[str] = Field(min_length=1)


class CallDebriefQuestions(_Strict):
    rep: list[str] = Field(min_length=1)
    observations: list[str] = Field(min_length=1)
    focus: list[str] = Field(min_length=1)


class Questions(_Strict):
    grow: GrowQuestions
    # Keyed by stage slug, plus "always" for questions asked at every stage.
    deal_review: dict[str, list[str]]
    status_check: list[str] = Field(min_length=1)
    call_prep: CallPrepQuestions
    call_debrief: CallDebriefQuestions
    consequence: list[str] = Field(min_length=1)


class Methodology(_Strict):
    meta: Meta
    # The workspace currency; defaulted, so files written before it still validate.
    currency: str = "USD"
    roles: dict[str, Role] = Field(min_length=1)
    stages: dict[str, Stage] = Field(min_length=2)
    forecast_categories: dict[str, ForecastCategory] = Field(min_length=1)
    competencies: dict[str, Competency] = Field(min_length=1)
    activities: dict[str, ActivityType] = Field(min_length=1)
    time_allocation: dict[str, TimeShare] = Field(min_length=1)
    root_causes: dict[str, RootCauseInfo]
    cadence: Cadence
    questions: Questions
    # Defaulted: methodology files written before pipeline health still validate.
    pipeline: PipelineRules = PipelineRules()

    @field_validator("currency")
    @classmethod
    def _iso_currency(cls, value: str) -> str:
        try:
            return currency_code(value)
        except Invalid as error:  # pydantic reports ValueError with the key
            raise ValueError(f"{error.message} {error.hint}") from None

    @model_validator(mode="after")
    def _cross_references(self) -> Methodology:
        for key, competency in self.competencies.items():
            unknown = sorted(set(competency.expected) - set(self.roles))
            if unknown:
                raise ValueError(
                    f"competencies.{key}.expected names roles the methodology does not have: "
                    f"{', '.join(unknown)}"
                )
            missing = sorted(set(self.roles) - set(competency.expected))
            if missing:
                raise ValueError(
                    f"competencies.{key}.expected has no level for {', '.join(missing)}"
                )
        allowed = set(self.stages) | {"always"}
        unknown_stages = sorted(set(self.questions.deal_review) - allowed)
        if unknown_stages:
            raise ValueError(f"questions.deal_review names unknown stage(s) {unknown_stages}")
        if set(self.root_causes) != set(ROOT_CAUSES):
            raise ValueError(f"root_causes must be exactly {list(ROOT_CAUSES)}")
        total = sum(share.percent for share in self.time_allocation.values())
        if total != 100:
            raise ValueError(f"time_allocation percents must total 100, not {total}")
        if self.cadence.sprint_min_weeks > self.cadence.sprint_max_weeks:
            raise ValueError("cadence.sprint_min_weeks is larger than cadence.sprint_max_weeks")
        return self

    def role_key(self, text: str) -> str | None:
        """The role slug for what the user typed (slug or name, any case), if any."""
        return find_key(self.roles, text)

    def open_stages(self) -> list[str]:
        """Open stages in pipeline order: a deal's stage rank is its index here."""
        return [key for key, stage in self.stages.items() if stage.outcome == "open"]

    def closing_stage(self, outcome: str) -> str:
        """The stage a deal lands on when it is won or lost."""
        return next(key for key, stage in self.stages.items() if stage.outcome == outcome)

    def stage_name(self, key: str) -> str:
        """A stage as people call it ("Solution / Proposal"); a key the methodology no
        longer has (an older file's) shows as stored."""
        stage = self.stages.get(key)
        return stage.name if stage else key

    def category_name(self, key: str) -> str:
        """A forecast category as people call it ("Best Case", not best_case)."""
        category = self.forecast_categories.get(key)
        return category.name if category else key


def _loose(text: str) -> str:
    return " ".join(str(text).replace("_", " ").split()).casefold()


def find_key(table: Mapping[str, Any], text: str) -> str | None:
    """The slug of a methodology table (roles, stages, competencies …) for what the user
    typed: the slug or the entry's name, in any case, `_` and spaces alike."""
    wanted = _loose(text)
    for key, entry in table.items():
        if wanted in (_loose(key), _loose(entry.name)):
            return key
    return None
