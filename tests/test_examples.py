"""The files in examples/ work as the README says."""

import shutil
from pathlib import Path

from coachcli.config import load_methodology, user_methodology_path

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def test_new_rep_answers(coach):
    result = coach("team", "add", "--answers", str(EXAMPLES / "new-rep.yaml"), "--no-input")
    assert result.exit_code == 0, result.stderr


def test_grow_and_consequence_answers(coach, ana):
    grow = coach(
        "grow", "ana", "--answers", str(EXAMPLES / "grow-answers.yaml"), "--no-input", "--json"
    )
    assert grow.exit_code == 0, grow.stderr
    assert len(grow.json()["actions"]) == 2
    consequence = coach(
        "grow",
        "ana",
        "--consequence",
        "--no-input",
        "--answers",
        str(EXAMPLES / "consequence-answers.yaml"),
    )
    assert consequence.exit_code == 0, consequence.stderr


def test_methodology_override_example():
    user_methodology_path().parent.mkdir(parents=True)
    shutil.copy(EXAMPLES / "methodology-override.toml", user_methodology_path())
    method = load_methodology()
    assert method.stages["negotiation"].probability == 0.65
    assert method.cadence.one_on_one_days == 14
    assert len(method.questions.deal_review["always"]) == 4


def test_crm_mapping_example(coach, ana, tmp_path):
    export = tmp_path / "export.csv"
    export.write_text(
        "Ref,Title,Customer,Seller,Phase,Value,Due,Next action,Expected\n"
        "R-1,Zeta rollout,Zeta,AS,Quote sent,12500,03/04/2055,Call the CFO,\n"
        "R-2,Eta pilot,Eta,,Talking,2.500,,,20/05/2055\n"
    )
    mapping = str(EXAMPLES / "crm-mapping.toml")
    result = coach("deal", "import", str(export), "--mapping", mapping, "--json")
    assert result.exit_code == 0, result.stderr
    deal = coach("deal", "show", "R-1", "--json").json()
    assert (deal["stage"], deal["rep"], deal["close_date"], deal["currency"]) == (
        "proposal",
        "Ana Souza",
        "2055-04-03",
        "EUR",
    )
    # No seller and no due date: the default owner and the Expected column stand in.
    eta = coach("deal", "show", "R-2", "--json").json()
    assert (eta["rep"], eta["close_date"], eta["amount"], eta["forecast_category"]) == (
        "Ana Souza",
        "2055-05-20",
        2500,
        "pipeline",
    )
