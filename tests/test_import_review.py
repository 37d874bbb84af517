"""Bad input found by review (issue 11): what a deal's name can do to a table title,
rows skipped as invalid, codecs that are not text encodings, a mapping's currency."""

from __future__ import annotations

HEADER = "Id,Name,Opportunity Owner,StageName,Amount,CloseDate\n"
TWO = HEADER + (
    "006A,Acme,Ana Souza,Qualification,1000,2054-12-15\n"
    "006B,Globex,Ana Souza,Qualification,2000,2054-12-20\n"
)


def test_a_deal_name_in_the_history_title_is_shown_escaped(coach, ana, write):
    hostile = HEADER + "006E,Evil\x1b[31m\u202e[bold]x,Ana Souza,Qualification,5,2054-12-15\n"
    assert coach("deal", "import", write("e.csv", hostile)).exit_code == 0
    shown = coach("deal", "history", "006E").stdout
    assert "\x1b" not in shown and "\u202e" not in shown
    assert "Evil\\x1b[31m\\u202e[bold]x (006E)" in shown


def test_a_row_skipped_as_invalid_keeps_its_deal_as_it_was(coach, ana, write):
    coach("deal", "import", write("a.csv", TWO), "--as-of", "2054-11-13")
    bad_b = TWO.replace("2000,2054-12-20", "lots,2054-12-20").replace("1000,", "1500,")
    result = coach(
        "deal", "import", write("b.csv", bad_b), "--as-of", "2054-11-20", "--skip-invalid", "--json"
    )
    assert result.exit_code == 0, result.stderr
    assert result.json()["counts"]["missing"] == 0
    listed = {d["external_id"]: (d["amount"], d["missing_since"]) for d in coach(
        "deal", "list", "--json").json()}  # fmt: skip
    assert listed == {"006A": (1500, None), "006B": (2000, None)}


def test_an_export_whose_every_row_is_bad_is_refused_even_when_skipping(coach, ana, write):
    coach("deal", "import", write("a.csv", TWO), "--as-of", "2054-11-13")
    all_bad = TWO.replace("1000,", "x,").replace("2000,", "y,")
    result = coach(
        "deal", "import", write("b.csv", all_bad), "--as-of", "2054-11-20", "--skip-invalid"
    )
    assert result.exit_code == 2
    assert "every row has a problem (2 bad rows)" in result.stderr
    assert all(d["missing_since"] is None for d in coach("deal", "list", "--json").json())


def test_a_codec_that_is_not_a_text_encoding_is_refused(coach, ana, write):
    result = coach("deal", "import", write("a.csv", TWO), "--encoding", "rot13")
    assert result.exit_code == 2
    assert "Unknown encoding 'rot13'" in result.stderr


def test_a_mapping_currency_must_be_an_iso_code(coach, ana, write):
    mapping = write("m.toml", '[options]\ncurrency = "XYZ"\n')
    result = coach("deal", "import", write("a.csv", TWO), "--mapping", mapping)
    assert result.exit_code == 2
    assert "options.currency: 'XYZ' is not an ISO 4217 currency code." in result.stderr
    assert coach("deal", "list", "--status", "all", "--json").json() == []


def test_a_deal_first_seen_won_without_a_created_date_has_no_cycle(coach, ana, write):
    # 006W closed before the export was taken and the file has no created date: its
    # cycle is unknown, so velocity averages 006K's 30 days alone, never a negative.
    header = "Id,Name,Opportunity Owner,StageName,Amount,CloseDate,CreatedDate\n"
    first = header + (
        "006W,Won before,Ana Souza,Closed Won,700,2054-11-01,\n"
        "006K,Known,Ana Souza,Closed Won,900,2054-11-11,2054-10-12\n"
        "006O,Open,Ana Souza,Qualification,1000,2054-12-20,2054-11-01\n"
    )
    assert coach("deal", "import", write("a.csv", first), "--as-of", "2054-11-15").exit_code == 0
    team = coach("pipeline", "--json").json()["velocity"]["team"]
    assert (team["won_count"], team["average_cycle_days"]) == (2, 30.0)


def test_a_pipeline_of_owners_off_the_team_says_so_not_no_deals(coach, write):
    result = coach("deal", "import", write("a.csv", TWO))  # Ana Souza is not on the team
    assert result.exit_code == 0, result.stderr
    shown = coach("pipeline").stdout
    assert "No deals yet" not in shown
    assert "2 open deals belong to CRM owners who are not on it" in shown


# ---- second review: ids, dates, amounts, names and currencies as CRMs write them ----


def test_an_opportunity_id_in_its_15_and_18_character_forms_is_one_deal(coach, ana, write):
    long_form = HEADER + "0068d00000AbCdEAAV,Acme,Ana Souza,Qualification,1000,2054-12-15\n"
    short_form = HEADER + "0068d00000AbCdE,Acme,Ana Souza,Negotiation/Review,1000,2054-12-15\n"
    coach("deal", "import", write("a.csv", long_form), "--as-of", "2054-11-13")
    report = coach("deal", "import", write("b.csv", short_form), "--as-of", "2054-11-20", "--json")
    assert report.json()["counts"]["advanced"] == 1
    assert report.json()["counts"]["new"] == report.json()["counts"]["missing"] == 0
    assert [d["stage"] for d in coach("deal", "list", "--json").json()] == ["negotiation"]


def test_a_file_whose_every_date_reads_two_ways_must_say_which(coach, ana, write):
    ambiguous = HEADER + "006A,Acme,Ana Souza,Qualification,1000,03/04/2055\n"
    result = coach("deal", "import", write("a.csv", ambiguous))
    assert result.exit_code == 2
    assert "'03/04/2055' read as two different days" in result.stderr
    assert "--day-first" in result.stderr and "--month-first" in result.stderr
    assert coach("deal", "list", "--json").json() == []
    assert coach("deal", "import", write("a.csv", ambiguous), "--day-first").exit_code == 0
    assert coach("deal", "list", "--json").json()[0]["close_date"] == "2055-04-03"


def test_an_amount_written_against_the_decimal_flag_is_a_bad_row(coach, ana, write):
    european = HEADER + '006A,Acme,Ana Souza,Qualification,"1.234,56",2054-12-15\n'
    result = coach("deal", "import", write("a.csv", european), "--decimal-point")
    assert result.exit_code == 2
    assert "line 2: amount: The amount '1.234,56' reads only with a decimal comma" in result.stderr
    assert coach("deal", "import", write("a.csv", european)).exit_code == 0
    assert coach("deal", "list", "--json").json()[0]["amount"] == 1234.56


def test_imported_names_are_normalised_and_bounded(coach, ana, write):
    decomposed = "Cafe\u0301 Lyon"  # e + combining acute: one letter, two code points
    rows = (
        HEADER
        + f"006A,{decomposed},Ana Souza,Qualification,1000,2054-12-15\n"
        + f"006B,{'x' * 2001},Ana Souza,Qualification,1000,2054-12-15\n"
        + f"006C,Long owner,{'O' * 81},Qualification,1000,2054-12-15\n"
    )
    result = coach("deal", "import", write("a.csv", rows), "--create-reps")
    assert result.exit_code == 2
    assert "line 3: name is 2,001 characters; keep it to 2,000" in result.stderr
    assert "line 4: owner: 81 characters; a person's name is at most 80" in result.stderr
    result = coach("deal", "import", write("a.csv", rows), "--create-reps", "--skip-invalid")
    assert result.exit_code == 0, result.stderr
    assert [d["name"] for d in coach("deal", "list", "--json").json()] == ["Caf\u00e9 Lyon"]
    assert [r["name"] for r in coach("team", "list", "--json").json()] == ["Ana Souza"]


def in_currency(code: str) -> str:
    """One deal of 1,000 in `code`, with a Currency column."""
    header = "Id,Name,Opportunity Owner,StageName,Amount,Currency,CloseDate\n"
    return header + f"006A,Acme,Ana Souza,Qualification,1000,{code},2054-12-15\n"


def test_a_currency_change_is_recorded_and_reported(coach, ana, write):
    usd, eur = in_currency("USD"), in_currency("EUR")
    coach("deal", "import", write("a.csv", usd), "--as-of", "2054-11-13")
    report = coach("deal", "import", write("b.csv", eur), "--as-of", "2054-11-20", "--json")
    assert report.json()["counts"]["currency"] == 1
    again = coach("deal", "import", write("b.csv", eur), "--dry-run", "--json").json()
    assert again["nothing_changed"] is True
    table = coach("deal", "history", "006A").stdout
    assert "currency" in table and "USD" in table and "EUR" in table
    assert coach("deal", "list", "--json").json()[0]["currency"] == "EUR"
    # Seen as it stood between the imports: in dollars.
    back = coach("pipeline", "--as-of", "2054-11-15", "--json").json()
    assert back["size"]["open_value"] == 1000 and back["left_out"] == []


def test_a_currency_the_workspace_already_has_is_not_a_change(coach, ana, write):
    none = HEADER + "006A,Acme,Ana Souza,Qualification,1000,2054-12-15\n"
    usd = in_currency("USD")
    coach("deal", "import", write("a.csv", none), "--as-of", "2054-11-13")
    report = coach("deal", "import", write("b.csv", usd), "--as-of", "2054-11-20", "--json")
    assert report.json()["counts"]["currency"] == 0
    assert "currency" not in coach("deal", "history", "006A").stdout


def test_an_empty_export_date_is_refused_not_read_as_today(coach, ana, write):
    result = coach("deal", "import", write("a.csv", TWO), "--as-of", "")
    assert result.exit_code == 2 and "A date is required" in result.stderr
    assert coach("deal", "list", "--json").json() == []


def test_a_deal_is_found_by_either_form_of_its_salesforce_id(coach, ana, write):
    long_form = HEADER + "0068d00000AbCdEAAV,Acme,Ana Souza,Qualification,1000,2054-12-15\n"
    coach("deal", "import", write("a.csv", long_form))
    for typed in ("0068d00000AbCdE", "0068d00000AbCdEAAV"):
        shown = coach("deal", "show", typed, "--json")
        assert shown.exit_code == 0, shown.stderr
        assert shown.json()["name"] == "Acme"
    assert coach("deal", "show", "0068d00000AbCdX").exit_code == 1


def test_an_imported_carriage_return_is_kept_and_shown_escaped(coach, ana, write):
    rows = HEADER + '006A,"Acme\rEast",Ana Souza,Qualification,1000,2054-12-15\n'
    assert coach("deal", "import", write("a.csv", rows)).exit_code == 0
    assert coach("deal", "list", "--json").json()[0]["name"] == "Acme\rEast"
    assert "Acme\\x0dEast" in coach("deal", "list").stdout


def test_a_file_that_is_not_text_is_refused_from_its_first_megabyte(coach, ana, tmp_path):
    spreadsheet = tmp_path / "deals.xlsx"
    spreadsheet.write_bytes(b"PK\x03\x04\x14\x00\x06\x00" + bytes(range(256)) * 64)
    for path in (str(spreadsheet), "/dev/zero"):  # /dev/zero never ends
        result = coach("deal", "import", path)
        assert result.exit_code == 2
        assert "is not a text file" in result.stderr and "as CSV" in result.stderr
    assert coach("deal", "list", "--json").json() == []


def test_utf16_with_its_mark_is_still_text(coach, ana, write, tmp_path):
    path = tmp_path / "utf16.csv"
    path.write_bytes(TWO.encode("utf-16"))  # with a byte order mark, NUL bytes between
    assert coach("deal", "import", str(path)).exit_code == 0
    assert len(coach("deal", "list", "--json").json()) == 2
