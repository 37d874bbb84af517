"""coach actions, sessions and export through the CLI: what is stored, printed and exited."""

import re

import pytest

from .conftest import file_mode

MARKUP = "[bold]x[/bold] | #1 <script>"
ACTION_KEYS = {"id", "rep", "what", "who", "due", "status", "overdue_days", "reschedules"}


def flags(**values):
    return [part for key, value in values.items() for part in (f"--{key}".replace("_", "-"), value)]


def saved(result):
    assert result.exit_code == 0, result.stderr
    return result.json()


def one_on_one(coach, goal="Close Globex this quarter", action="Send ROI model | Ana | +3d"):
    answers = flags(
        goal=goal,
        reality="Stuck at procurement",
        obstacle="No access to the CFO",
        option="Ask the champion for an intro",
        action=action,
        support="I join the CFO call",
        private_note="SECRET-NOTE",
    )
    return saved(coach("grow", "ana", "--no-input", "--json", *answers))


def consequence(coach):
    answers = flags(
        standard="STANDARD-8-meetings",
        current="CURRENT-3-meetings",
        deadline="+30d",
        if_missed="IF-MISSED-formal-plan",
        support="weekly call blocks",
    )
    return saved(coach("grow", "ana", "--consequence", "--no-input", "--json", *answers))


def add(coach, text, rep="ana"):
    return saved(coach("actions", "add", rep, text, "--json"))


def unescaped_pipes(line):
    return len(re.findall(r"(?<!\\)\|", line))


# coach actions: listing


def test_group_defaults_to_list_with_and_without_a_rep(coach, ana):
    coach("team", "add", "Bo Li", "--no-input")
    add(coach, "Call CFO | me | fri")
    add(coach, "Book demo | +2d", rep="bo")
    everyone = coach("actions", "--json")
    assert everyone.exit_code == 0, everyone.stderr
    assert [(a["rep"], a["what"]) for a in everyone.json()] == [
        ("Bo Li", "Book demo"),  # soonest due first
        ("Ana Souza", "Call CFO"),
    ]
    ana_action = everyone.json()[1]
    assert set(ana_action) >= ACTION_KEYS
    assert [ana_action[k] for k in ("who", "due", "status", "overdue_days", "reschedules")] == [
        "me",
        "2054-11-27",  # 2054-11-22 is a Sunday: the next Friday
        "open",
        0,
        0,
    ]
    only_ana = coach("actions", "ana", "--json").json()
    assert [a["what"] for a in only_ana] == ["Call CFO"]
    table = coach("actions")
    assert table.exit_code == 0
    assert "Call CFO" in table.stdout and "Book demo" in table.stdout


def test_no_actions_is_an_empty_list_and_a_message(coach, ana):
    assert coach("actions", "--json").json() == []
    empty = coach("actions")
    assert empty.exit_code == 0
    assert empty.stdout == ""
    assert "No actions" in empty.stderr


def test_overdue_lists_only_open_actions_past_due(coach, ana, monkeypatch):
    early = add(coach, "Send ROI model | +1d")
    add(coach, "Book QBR | +10d")
    closed = add(coach, "Old task | +1d")
    assert coach("actions", "done", str(closed["id"])).exit_code == 0
    assert coach("actions", "--overdue", "--json").json() == []
    monkeypatch.setenv("COACH_TODAY", "2054-11-26")
    overdue = coach("actions", "--overdue", "--json").json()
    assert [(a["id"], a["overdue_days"]) for a in overdue] == [(early["id"], 3)]
    table = coach("actions", "--overdue").stdout
    assert "Send ROI model" in table and "3d" in table
    assert "Book QBR" not in table and "Old task" not in table


def test_all_includes_done_and_dropped(coach, ana):
    done, dropped, open_ = (add(coach, f"{w} | +1d") for w in ("Done it", "Drop it", "Keep it"))
    assert coach("actions", "done", str(done["id"])).exit_code == 0
    assert coach("actions", "drop", str(dropped["id"])).exit_code == 0
    assert [a["id"] for a in coach("actions", "--json").json()] == [open_["id"]]
    statuses = {a["what"]: a["status"] for a in coach("actions", "--all", "--json").json()}
    assert statuses == {"Done it": "done", "Drop it": "dropped", "Keep it": "open"}


# coach actions add


@pytest.mark.parametrize(
    ("text", "what", "who", "due"),
    [
        ("Call CFO | me | fri", "Call CFO", "me", "2054-11-27"),
        ("Call CFO | ME | +1d", "Call CFO", "me", "2054-11-23"),
        ("Send deck | +3d", "Send deck", "Ana Souza", "2054-11-25"),
        ("Send deck | Priya | 2054-12-01", "Send deck", "Priya", "2054-12-01"),
        ("A | B | me | +1d", "A | B", "me", "2054-11-23"),
        ("Due today | today", "Due today", "Ana Souza", "2054-11-22"),
    ],
)
def test_add_parses_what_who_when(coach, ana, text, what, who, due):
    added = add(coach, text)
    assert (added["what"], added["who"], added["due"]) == (what, who, due)
    [stored] = coach("actions", "--json").json()
    assert (stored["what"], stored["who"], stored["due"]) == (what, who, due)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (" | me | +1d", "no WHAT"),
        ("Call CFO | me | someday", "WHEN 'someday'"),
        ("Call CFO | me | 2054-11-01", "in the past"),
        ("Call CFO | me | ", "no WHEN"),
        ("Call CFO", "WHAT | WHO | WHEN"),
    ],
)
def test_bad_action_text_is_exit_2_naming_the_part(coach, ana, text, message):
    result = coach("actions", "add", "ana", text)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert coach("actions", "--all", "--json").json() == []


def test_add_for_an_unknown_rep_is_exit_1(coach, ana):
    result = coach("actions", "add", "zed", "Call CFO | +1d")
    assert result.exit_code == 1
    assert "Ana Souza" in result.stderr
    assert "commands:" not in result.stderr  # 'zed' was meant as a rep: no hint of commands
    assert coach("actions", "--all", "--json").json() == []


@pytest.mark.parametrize(
    ("group", "commands"),
    [
        ("actions", "list, add, done, drop, move"),
        ("sessions", "list, show"),
        ("learning", "list, assign, done"),
        ("deal", "list, add, show, update, close, plan-step, history, import, undo-import"),
        ("plan", "new, show, assess, sprint, revise"),
    ],
)
def test_a_first_word_that_is_neither_command_nor_rep_names_the_commands(
    coach, ana, group, commands
):
    result = coach(group, "ls")
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: No rep named 'ls'. Reps: Ana Souza.\n`coach {group}` commands: {commands}.\n"
    )


def test_an_ambiguous_first_word_also_names_the_commands(coach, ana):
    coach("team", "add", "Ana Lima", "--no-input")
    result = coach("actions", "an")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: 'an' matches 2 reps: Ana Lima, Ana Souza. Type more of the name.\n"
        "`coach actions` commands: list, add, done, drop, move.\n"
    )


# coach actions done / drop / move


@pytest.mark.parametrize(("command", "status"), [("done", "done"), ("drop", "dropped")])
def test_close_with_a_note_then_it_cannot_close_or_move_again(coach, ana, command, status):
    ident = str(add(coach, "Call CFO | +1d")["id"])
    closed = coach("actions", command, ident, "--note", "CFO agreed", "--json")
    assert closed.exit_code == 0, closed.stderr
    assert (closed.json()["status"], closed.json()["note"]) == (status, "CFO agreed")
    assert coach("actions", "--json").json() == []
    for again in (["done"], ["drop"], ["move", "--due", "+1w"]):
        refused = coach("actions", again[0], ident, *again[1:])
        assert refused.exit_code == 1
        assert status in refused.stderr
    [stored] = coach("actions", "--all", "--json").json()
    assert (stored["status"], stored["note"], stored["due"]) == (status, "CFO agreed", "2054-11-23")


def test_move_counts_reschedules_but_not_to_the_same_date(coach, ana):
    ident = str(add(coach, "Call CFO | +1d")["id"])
    moved = coach("actions", "move", ident, "--due", "+1w", "--json")
    assert moved.exit_code == 0, moved.stderr
    assert (moved.json()["due"], moved.json()["reschedules"]) == ("2054-11-29", 1)
    same = coach("actions", "move", ident, "--due", "2054-11-29", "--json")
    assert same.json()["reschedules"] == 1
    assert coach("actions", "move", ident, "--due", "+2w", "--json").json()["reschedules"] == 2
    past = coach("actions", "move", ident, "--due", "yesterday")
    assert past.exit_code == 2
    assert "past" in past.stderr
    [stored] = coach("actions", "--json").json()
    assert (stored["due"], stored["reschedules"]) == ("2054-12-06", 2)


@pytest.mark.parametrize("args", [["done", "99"], ["drop", "99"], ["move", "99", "--due", "+1d"]])
def test_unknown_action_id_is_exit_1(coach, ana, args):
    result = coach("actions", *args)
    assert result.exit_code == 1
    assert "No action #99" in result.stderr


# coach sessions


def test_sessions_list_newest_first_and_by_kind(coach, ana):
    first = one_on_one(coach)
    second = consequence(coach)
    listed = coach("sessions", "--json").json()
    assert [(s["id"], s["kind"]) for s in listed] == [
        (second["id"], "consequence"),
        (first["id"], "one-on-one"),
    ]
    assert listed[1]["headline"] == "Close Globex this quarter"
    assert listed[1]["actions_agreed"] == 1
    assert coach("sessions", "ana", "--json").json() == listed
    only = coach("sessions", "--kind", "consequence", "--json").json()
    assert [s["id"] for s in only] == [second["id"]]
    table = coach("sessions")
    assert table.exit_code == 0
    assert "Close Globex this quarter" in table.stdout
    bogus = coach("sessions", "--kind", "bogus")
    assert bogus.exit_code == 2
    assert "bogus" in bogus.stderr


def test_sessions_show_in_every_format(coach, ana):
    saved = one_on_one(coach)
    ident = str(saved["id"])
    detail = coach("sessions", "show", ident, "--json")
    assert detail.exit_code == 0
    data = detail.json()
    assert data["goal"] == "Close Globex this quarter"
    assert data["obstacles"] == ["No access to the CFO"]
    assert [(a["what"], a["who"], a["due"]) for a in data["actions"]] == [
        ("Send ROI model", "Ana", "2054-11-25")
    ]
    table = coach("sessions", "show", ident)
    assert "Close Globex this quarter" in table.stdout and "SECRET-NOTE" in table.stdout
    markdown = coach("sessions", "show", ident, "--format", "markdown").stdout
    assert "## Goal" in markdown and "Send ROI model" in markdown
    missing = coach("sessions", "show", "99")
    assert missing.exit_code == 1
    assert "No session #99" in missing.stderr


# coach export


def test_export_session_markdown_and_rep_safe(coach, ana):
    ident = str(one_on_one(coach)["id"])
    full = coach("export", "session", ident)
    assert full.exit_code == 0, full.stderr
    headings = [line for line in full.stdout.splitlines() if line.startswith("## ")]
    assert headings[:4] == ["## Goal", "## Reality", "## Obstacles", "## Way forward"]
    assert "Send ROI model" in full.stdout
    assert "SECRET-NOTE" in full.stdout
    safe = coach("export", "session", ident, "--rep-safe")
    assert safe.exit_code == 0
    assert "SECRET-NOTE" not in safe.stdout
    assert "Close Globex this quarter" in safe.stdout and "Send ROI model" in safe.stdout


def test_rep_safe_export_withholds_a_consequence_conversation(coach, ana):
    ident = str(consequence(coach)["id"])
    secrets = ("STANDARD-8-meetings", "CURRENT-3-meetings", "IF-MISSED-formal-plan")
    full = coach("export", "session", ident).stdout
    assert all(text in full for text in secrets)
    safe = coach("export", "session", ident, "--rep-safe")
    assert safe.exit_code == 0
    assert not any(text in safe.stdout for text in secrets)
    rep_safe = coach("export", "rep", "ana", "--rep-safe").stdout
    assert not any(text in rep_safe for text in secrets)


def test_export_rep_document(coach, ana):
    one_on_one(coach, goal="FIRST-GOAL")
    one_on_one(coach, goal="SECOND-GOAL", action="Book QBR | me | +5d")
    closed = add(coach, "Call CFO | +1d")
    coach("actions", "done", str(closed["id"]))
    result = coach("export", "rep", "ana")
    assert result.exit_code == 0, result.stderr
    text = result.stdout
    assert text.startswith("# Coaching notes: Ana Souza\n")
    assert "| Call CFO | Ana Souza | 2054-11-23 | done |" in text
    assert "| Book QBR | me | 2054-11-27 | open |" in text
    assert text.index("SECOND-GOAL") < text.index("FIRST-GOAL")  # newest first
    assert "SECRET-NOTE" in text
    assert "SECRET-NOTE" not in coach("export", "rep", "ana", "--rep-safe").stdout


def test_export_rep_to_a_private_file_needs_force_to_overwrite(coach, ana, tmp_path):
    one_on_one(coach)
    target = tmp_path / "notes" / "ana.md"
    written = coach("export", "rep", "ana", "-o", str(target))
    assert written.exit_code == 0, written.stderr
    assert written.stdout == ""
    assert target.read_text().startswith("# Coaching notes: Ana Souza")
    assert file_mode(target) == 0o600
    target.write_text("edited by hand")
    again = coach("export", "rep", "ana", "-o", str(target))
    assert again.exit_code == 1
    assert "--force" in again.stderr
    assert target.read_text() == "edited by hand"
    forced = coach("export", "rep", "ana", "-o", str(target), "--force")
    assert forced.exit_code == 0
    assert target.read_text().startswith("# Coaching notes: Ana Souza")
    assert file_mode(target) == 0o600


def test_export_all_writes_one_private_file_per_rep(coach, ana, tmp_path):
    coach("team", "add", "Bo Li", "--no-input")
    one_on_one(coach)
    folder = tmp_path / "exports"
    result = coach("export", "all", "--dir", str(folder), "--rep-safe")
    assert result.exit_code == 0, result.stderr
    files = sorted(folder.iterdir())
    assert [f.name for f in files] == ["ana-souza.md", "bo-li.md"]
    assert all(file_mode(f) == 0o600 for f in files)
    ana_text = (folder / "ana-souza.md").read_text()
    assert "Close Globex this quarter" in ana_text
    assert "SECRET-NOTE" not in ana_text
    assert (folder / "bo-li.md").read_text().startswith("# Coaching notes: Bo Li")


def test_export_all_never_gives_two_reps_the_same_file(coach, tmp_path):
    for name in ("Ana Souza", "Ana Souza!", "Ana Souza 2"):
        assert coach("team", "add", name, "--no-input").exit_code == 0
    folder = tmp_path / "exports"
    result = coach("export", "all", "--dir", str(folder))
    assert result.exit_code == 0, result.stderr
    titles = sorted(f.read_text().splitlines()[0] for f in folder.iterdir())
    assert titles == [f"# Coaching notes: {n}" for n in ("Ana Souza", "Ana Souza 2", "Ana Souza!")]


# User text is data


def test_markup_looking_text_is_exact_in_json_and_safe_in_markdown(coach, ana):
    saved = one_on_one(coach, goal=MARKUP, action=f"{MARKUP} | me | +1d")
    add(coach, f"{MARKUP} | Priya | +2d")
    detail = coach("sessions", "show", str(saved["id"]), "--json").json()
    assert detail["goal"] == MARKUP
    assert [a["what"] for a in detail["actions"]] == [MARKUP]
    assert {a["what"] for a in coach("actions", "--json").json()} == {MARKUP}
    assert MARKUP in coach("actions").stdout
    for markdown in (
        coach("export", "session", str(saved["id"])).stdout,
        coach("export", "rep", "ana").stdout,
        coach("actions", "--format", "markdown").stdout,
    ):
        rows = [line for line in markdown.splitlines() if line.startswith("|")]
        assert rows
        assert len({unescaped_pipes(row) for row in rows}) == 1
        assert "<script>" not in markdown
        user_headings = [line for line in markdown.splitlines() if line.startswith("#1")]
        assert user_headings == []


def test_user_text_never_starts_a_markdown_heading(coach, ana):
    goal = "# Fake heading\n## Another"
    ident = str(one_on_one(coach, goal=goal)["id"])
    assert coach("sessions", "show", ident, "--json").json()["goal"] == goal
    for args in (("session", ident), ("rep", "ana")):
        markdown = coach("export", *args).stdout
        headings = [line for line in markdown.splitlines() if line.startswith("#")]
        assert not any("Fake heading" in line or "Another" in line for line in headings)
        assert "Fake heading" in markdown


@pytest.mark.parametrize("fence", ["~~~", "```", "  ~~~~ python", "````"])
def test_a_fence_in_user_text_opens_no_code_block(coach, ana, fence):
    goal = f"Before\n{fence}\nstill the goal"
    ident = str(one_on_one(coach, goal=goal)["id"])
    assert coach("sessions", "show", ident, "--json").json()["goal"] == goal
    for args in (("session", ident), ("rep", "ana")):
        markdown = coach("export", *args).stdout
        opened = [
            line for line in markdown.splitlines() if line.lstrip().startswith(("~~~", "```"))
        ]
        assert opened == []  # every fence in the text is escaped
        assert "## " in markdown.split("still the goal")[1]  # the next section is a heading


def test_a_carriage_return_never_splits_a_csv_record(coach, ana):
    add(coach, "Call\rthe CFO | me | +2d")
    assert coach("actions", "--json").json()[0]["what"] == "Call\rthe CFO"
    csv_text = coach("actions", "--format", "csv").stdout
    assert "\r" not in csv_text.replace("\r\n", "\n")  # no bare CR anywhere
    assert len(csv_text.splitlines()) == 2  # the header and one record
    assert "Call\\x0dthe CFO" in csv_text
