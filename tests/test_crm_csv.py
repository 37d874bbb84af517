"""The CRM CSV parsing layer: exports in, typed deal rows and per-line errors out."""

from __future__ import annotations

from datetime import date

import pytest

from coachcli.config import load_methodology
from coachcli.dates import guess_day_first, parse_export_date
from coachcli.errors import Invalid
from coachcli.money import currency_in, decimal_mark, parse_csv_amount
from coachcli.services.crm_csv import (
    ImportMapping,
    StageInfo,
    header_key,
    parse_export,
    parse_mapping,
)


def csv_bytes(*lines: str, newline: str = "\n") -> bytes:
    return (newline.join(lines) + newline).encode("utf-8")


def errors_of(parsed) -> list[tuple[int, str]]:
    return [(error.line, error.reason) for error in parsed.errors]


SALESFORCE_API = csv_bytes(
    "Id,Name,AccountId,OwnerId,StageName,Amount,CurrencyIsoCode,CloseDate,"
    "ForecastCategoryName,CreatedDate,LastActivityDate,NextStep,Probability,IsClosed,IsWon",
    "0061x00000AbCdE,Acme renewal,Acme Corp,Dana Reyes,Needs Analysis,120000.50,USD,2054-12-15,"
    "BestCase,2054-09-01T10:00:00.000+0000,2054-11-20,Send pricing,20,false,false",
    "0061x00000AbCdF,Globex expansion,Globex,Sam Otieno,Closed Won,45000,EUR,2054-10-30,"
    "Closed,2054-06-12T08:30:00.000+0000,,,100,true,true",
    "0061x00000AbCdG,Initech pilot,Initech,Dana Reyes,Perception Analysis,9900,USD,2054-11-28,"
    "Omitted,2054-08-02T00:00:00.000+0000,2054-10-01,,0,true,false",
)


def test_salesforce_api_names():
    parsed = parse_export(SALESFORCE_API)
    assert parsed.source == "salesforce"
    assert parsed.errors == []
    assert parsed.unmapped == []
    assert parsed.columns["stage"] == "StageName"
    assert parsed.columns["is_won"] == "IsWon"
    first = parsed.rows[0].model_dump()
    assert first == {
        "line": 2,
        "external_id": "0061x00000AbCdE",
        "name": "Acme renewal",
        "account": "Acme Corp",
        "owner": "Dana Reyes",
        "stage": "discovery",
        "stage_text": "Needs Analysis",
        "amount": 120000.5,
        "currency": "USD",
        "close_date": date(2054, 12, 15),
        "forecast_category": "best_case",
        "created_date": date(2054, 9, 1),
        "last_activity": date(2054, 11, 20),
        "next_step": "Send pricing",
        "probability": 0.2,
        "status": "open",
        "lost_reason": None,
        "won_date": None,
        "owner_id": None,  # OwnerId is the owner column here: the file has no name
    }
    won, lost = parsed.rows[1], parsed.rows[2]
    assert (won.line, won.stage, won.status, won.forecast_category) == (
        3,
        "closed_won",
        "won",
        "closed",
    )
    assert won.probability == 1.0
    assert won.last_activity is None and won.next_step is None
    # IsClosed without IsWon is a loss, whatever the stage text says.
    assert (lost.stage, lost.stage_text, lost.status) == (
        "closed_lost",
        "Perception Analysis",
        "lost",
    )


SALESFORCE_REPORT = csv_bytes(
    "Opportunity Owner,Account Name,Opportunity Name,Opportunity ID,Stage,Fiscal Period,"
    "Amount,Probability (%),Close Date,Created Date,Next Step,Forecast Category,Closed,Won",
    "Dana Reyes,Acme Corp,Acme renewal,0061x01,Proposal/Price Quote,Q4-2054,"
    '"USD 12,500.00",50,11/3/2054,9/14/2054,"Call CFO, then legal",Commit,0,0',
    "Sam Otieno,Globex,Globex add-on,0061x02,Id. Decision Makers,Q1-2055,$800,10,1/15/55,"
    "12/1/2054,,Best Case,0,0",
    "Sam Otieno,Hooli,Hooli platform,0061x03,Negotiation/Review,Q4-2054,"
    '"€ 1.250.000,00",75,12/30/2054,7/1/2054,,Pipeline,0,0',
)


def test_salesforce_report_labels():
    parsed = parse_export(SALESFORCE_REPORT)
    assert parsed.source == "salesforce"
    assert parsed.errors == []
    assert parsed.unmapped == ["Fiscal Period"]
    rows = parsed.rows
    assert [row.external_id for row in rows] == ["0061x01", "0061x02", "0061x03"]
    assert [row.stage for row in rows] == ["proposal", "discovery", "negotiation"]
    assert [row.amount for row in rows] == [12500.0, 800.0, 1_250_000.0]
    assert [row.currency for row in rows] == ["USD", None, "EUR"]
    assert [row.close_date for row in rows] == [
        date(2054, 11, 3),
        date(2055, 1, 15),
        date(2054, 12, 30),
    ]
    assert [row.forecast_category for row in rows] == ["commit", "best_case", "pipeline"]
    assert rows[0].next_step == "Call CFO, then legal"
    assert rows[0].probability == 0.5
    assert rows[0].owner == "Dana Reyes" and rows[0].account == "Acme Corp"
    assert parsed.day_first is False


def test_salesforce_report_without_an_id_column_asks_for_one():
    report = csv_bytes(
        "Opportunity Owner,Opportunity Name,Stage,Close Date,Amount",
        "Dana Reyes,Acme renewal,Qualification,11/3/2054,100",
    )
    with pytest.raises(Invalid) as caught:
        parse_export(report)
    assert "no column for deal id (expected Id or Opportunity ID)" in caught.value.message
    assert "Opportunity Name" in (caught.value.hint or "")


HUBSPOT = csv_bytes(
    "Record ID,Deal Name,Deal Stage,Close Date,Deal owner,Amount,Pipeline,Create Date,"
    "Forecast category,Next step,Last Activity Date",
    "9876543210,Wayne Enterprises,appointmentscheduled,2054-12-01 00:00,Bruce Lee,"
    "15000,Sales Pipeline,2054-10-01 09:15,PIPELINE,Book demo,2054-11-18 16:40",
    "9876543211,Stark Industries,Contract Sent,2054-11-30 12:00,Pepper Potts,"
    "250000.00,Sales Pipeline,2054-07-15 11:00,COMMIT,,",
    "9876543212,Umbrella Corp,closedwon,2054-11-02 17:05,Bruce Lee,4200,Sales Pipeline,"
    "2054-09-09 10:00,BEST_CASE,,",
    "9876543213,Cyberdyne,Decision maker bought-In,2054-12-20,Pepper Potts,,Sales Pipeline,"
    "2054-10-10,OMIT,,",
)


def test_hubspot_export():
    parsed = parse_export(HUBSPOT)
    assert parsed.source == "hubspot"
    assert parsed.errors == []
    assert parsed.unmapped == ["Pipeline"]
    rows = parsed.rows
    assert [(row.stage, row.status) for row in rows] == [
        ("qualification", "open"),
        ("negotiation", "open"),
        ("closed_won", "won"),
        ("proposal", "open"),
    ]
    assert [row.forecast_category for row in rows] == ["pipeline", "commit", "best_case", "omitted"]
    assert rows[0].close_date == date(2054, 12, 1)
    assert rows[0].created_date == date(2054, 10, 1)
    assert rows[0].last_activity == date(2054, 11, 18)
    assert rows[0].external_id == "9876543210" and rows[0].owner == "Bruce Lee"
    assert rows[1].amount == 250000.0
    assert rows[3].amount is None  # no amount is not zero


def test_hubspot_internal_names_and_fraction_probability():
    export = csv_bytes(
        "hs_object_id,dealname,dealstage,amount,closedate,hubspot_owner_id,"
        "hs_deal_stage_probability,deal_currency_code,hs_forecast_category",
        "101,Deal A,qualifiedtobuy,100,2054-11-03T10:00:00Z,4711,0.4,gbp,BEST_CASE",
        "102,Deal B,presentationscheduled,200,2054-11-04T10:00:00Z,4712,60,CHF,",
    )
    parsed = parse_export(export)
    assert parsed.source == "hubspot"
    assert parsed.errors == []
    assert [(row.stage, row.probability, row.currency) for row in parsed.rows] == [
        ("qualification", 0.4, "GBP"),
        ("discovery", 0.6, "CHF"),
    ]
    assert parsed.rows[0].close_date == date(2054, 11, 3)
    assert parsed.rows[1].forecast_category is None


PIPEDRIVE = csv_bytes(
    "Deal - ID,Deal - Title,Deal - Value,Deal - Currency of Value,Deal - Stage,Deal - Status,"
    "Deal - Expected close date,Deal - Deal created,Deal - Won time,Deal - Lost reason,"
    "Deal - Owner,Deal - Organization,Deal - Next activity date",
    "17,Northwind deal,5400,EUR,Negotiation,open,2054-12-10,2054-10-01 09:00:00,,,"
    "Ada Lovelace,Northwind,2054-11-25",
    "18,Contoso deal,12000,EUR,Demo booked,won,2054-11-01,2054-08-15 12:00:00,"
    "2054-11-02 15:30:00,,Ada Lovelace,Contoso,",
    "19,Fabrikam deal,800,USD,Demo booked,lost,2054-11-20,2054-09-01 08:00:00,,"
    "Went with a competitor,Alan Turing,Fabrikam,",
    "20,Tailspin deal,100,USD,Negotiation,deleted,2054-11-20,2054-09-01 08:00:00,,,"
    "Alan Turing,Tailspin,",
)


def test_pipedrive_export_status_overrides_stage():
    parsed = parse_export(PIPEDRIVE)
    assert parsed.source == "pipedrive"
    assert parsed.unmapped == ["Deal - Next activity date"]
    assert [(row.external_id, row.stage, row.status) for row in parsed.rows] == [
        ("17", "negotiation", "open"),
        ("18", "closed_won", "won"),
        ("19", "closed_lost", "lost"),
    ]
    contoso, fabrikam = parsed.rows[1], parsed.rows[2]
    assert contoso.stage_text == "Demo booked"
    assert contoso.won_date == date(2054, 11, 2)
    assert contoso.account == "Contoso" and contoso.currency == "EUR"
    assert fabrikam.lost_reason == "Went with a competitor"
    assert parsed.errors == []
    assert [(row.line, row.reason) for row in parsed.left_out] == [(5, "deleted in the CRM")]


SALESFORCE_PICKLIST = {
    "Prospecting": ("prospecting", "open"),
    "Qualification": ("qualification", "open"),
    "Needs Analysis": ("discovery", "open"),
    "Value Proposition": ("discovery", "open"),
    "Id. Decision Makers": ("discovery", "open"),
    "Perception Analysis": ("proposal", "open"),
    "Proposal/Price Quote": ("proposal", "open"),
    "Negotiation/Review": ("negotiation", "open"),
    "Closed Won": ("closed_won", "won"),
    "Closed Lost": ("closed_lost", "lost"),
}
HUBSPOT_DEFAULT_STAGES = {  # label: (internal name, slug, status)
    "Appointment Scheduled": ("appointmentscheduled", "qualification", "open"),
    "Qualified To Buy": ("qualifiedtobuy", "qualification", "open"),
    "Presentation Scheduled": ("presentationscheduled", "discovery", "open"),
    "Decision Maker Bought-In": ("decisionmakerboughtin", "proposal", "open"),
    "Contract Sent": ("contractsent", "negotiation", "open"),
    "Closed Won": ("closedwon", "closed_won", "won"),
    "Closed Lost": ("closedlost", "closed_lost", "lost"),
}


def test_salesforce_standard_stage_picklist_maps_in_order():
    lines = [
        f"{n},Deal {n},{stage},2054-12-01,Jo"
        for n, stage in enumerate(SALESFORCE_PICKLIST, start=1)
    ]
    parsed = parse_export(csv_bytes("Id,Name,StageName,CloseDate,OwnerId", *lines))
    assert parsed.errors == []
    assert [(row.stage, row.status) for row in parsed.rows] == list(SALESFORCE_PICKLIST.values())
    order = list(load_methodology().stages)
    ranks = [order.index(row.stage) for row in parsed.rows]
    assert ranks == sorted(ranks)  # a deal moving along the picklist never moves back


@pytest.mark.parametrize("by", ["label", "internal name"])
def test_hubspot_default_deal_stages_map_by_label_and_internal_name(by):
    lines = [
        f"{n},Deal {n},{label if by == 'label' else internal},2054-12-01,Jo"
        for n, (label, (internal, _, _)) in enumerate(HUBSPOT_DEFAULT_STAGES.items(), start=1)
    ]
    parsed = parse_export(csv_bytes("Record ID,Deal Name,Deal Stage,Close Date,Deal owner", *lines))
    assert parsed.source == "hubspot" and parsed.errors == []
    expected = [(slug, status) for _, slug, status in HUBSPOT_DEFAULT_STAGES.values()]
    assert [(row.stage, row.status) for row in parsed.rows] == expected


PIPEDRIVE_DEFAULT = csv_bytes(
    "Deal - ID,Deal - Title,Deal - Value,Deal - Stage,Deal - Status,"
    "Deal - Expected close date,Deal - Owner,Deal - Won time,Deal - Lost reason",
    "1,Qualified one,100,Qualified,open,2054-12-01,Ada,,",
    "2,Contact one,200,Contact Made,open,2054-12-02,Ada,,",
    "3,Demo one,300,Demo Scheduled,open,2054-12-03,Ada,,",
    "4,Proposal one,400,Proposal Made,open,2054-12-04,Ada,,",
    "5,Negotiation one,500,Negotiations Started,open,2054-12-05,Ada,,",
    "6,Won early,600,Contact Made,won,2054-11-10,Ada,2054-11-12 10:00:00,",
    "7,Lost late,700,Negotiations Started,Lost,2054-11-11,Ada,,Budget cut",
    "8,Gone,800,Proposal Made,deleted,2054-11-11,Ada,,",
)


def test_pipedrive_default_pipeline_with_won_lost_and_deleted_statuses():
    parsed = parse_export(PIPEDRIVE_DEFAULT)
    assert parsed.source == "pipedrive" and parsed.errors == []
    assert [(row.external_id, row.stage, row.status) for row in parsed.rows] == [
        ("1", "qualification", "open"),
        ("2", "qualification", "open"),
        ("3", "discovery", "open"),
        ("4", "proposal", "open"),
        ("5", "negotiation", "open"),
        ("6", "closed_won", "won"),  # the status decides, whatever the stage
        ("7", "closed_lost", "lost"),
    ]
    assert parsed.rows[5].stage_text == "Contact Made"
    assert parsed.rows[5].won_date == date(2054, 11, 12)
    assert parsed.rows[6].lost_reason == "Budget cut"
    assert [(row.line, row.reason) for row in parsed.left_out] == [(9, "deleted in the CRM")]


def test_an_open_status_on_a_closed_stage_is_a_bad_row():
    data = csv_bytes(
        "Deal - ID,Deal - Title,Deal - Stage,Deal - Status,Deal - Expected close date,Deal - Owner",
        "1,Odd,Closed Won,open,2054-12-01,Ada",
        "2,Odder,Demo Scheduled,maybe,2054-12-01,Ada",
    )
    parsed = parse_export(data)
    assert errors_of(parsed) == [
        (
            2,
            "the CRM says the deal is open, but its stage 'Closed Won' is a won stage; "
            "map it to an open stage under [stages] in a --mapping file",
        ),
        (3, "status: unknown status 'maybe'; use open, won, lost or deleted"),
    ]


def test_bom_and_crlf():
    data = b"\xef\xbb\xbf" + SALESFORCE_API.replace(b"\n", b"\r\n")
    parsed = parse_export(data)
    assert parsed.columns["external_id"] == "Id"  # no BOM glued to the first header
    assert [row.line for row in parsed.rows] == [2, 3, 4]
    assert parsed.rows[0].won_date is None and parsed.rows[2].name == "Initech pilot"


def test_utf16_unicode_text_export():
    text = "Id\tName\tStageName\tCloseDate\tOwnerId\n001\tZürich Ø\tQualification\t2054-11-03\tJo\n"
    parsed = parse_export(text.encode("utf-16"))
    assert [(row.name, row.stage) for row in parsed.rows] == [("Zürich Ø", "qualification")]


def test_quoted_newlines_keep_line_numbers():
    data = csv_bytes(
        "Id,Name,StageName,CloseDate,OwnerId,NextStep",
        '001,"Two\nline name",Qualification,2054-11-03,Jo,"step one\r\nstep two\nstep three"',
        "002,Plain,Qualification,2054-11-03,Jo,",
        "003,Broken,Qualification,not a date,Jo,",
        newline="\r\n",
    )
    parsed = parse_export(data)
    assert [row.line for row in parsed.rows] == [2, 6]
    assert parsed.rows[0].name == "Two\nline name"
    assert parsed.rows[0].next_step == "step one\nstep two\nstep three"
    assert [line for line, _ in errors_of(parsed)] == [7]


def test_blank_rows_are_skipped_and_lines_still_count():
    data = csv_bytes(
        "",
        "Id,Name,StageName,CloseDate,OwnerId",
        "001,First,Qualification,2054-11-03,Jo",
        "",
        ",,, ,",
        "002,Second,Qualification,2054-11-03,Jo",
    )
    parsed = parse_export(data)
    assert parsed.errors == []
    assert [(row.line, row.name) for row in parsed.rows] == [(3, "First"), (6, "Second")]


@pytest.mark.parametrize(
    "header",
    [
        "Id,Name,StageName,CloseDate,OwnerId",
        "ID, name ,Stage Name,Close Date,Owner Id",
        "id,NAME,stage_name,close_date,owner_id",
        "Id,Name,stage-name,closedate,OWNERID",
        '"Id","Name","StageName","Close-Date","Owner.Id"',
    ],
)
def test_header_spacing_and_case_variants(header):
    parsed = parse_export(csv_bytes(header, "001,Deal,Prospecting,2054-11-03,Jo"))
    assert parsed.source == "salesforce"
    assert set(parsed.columns) == {"external_id", "name", "stage", "close_date", "owner"}
    row = parsed.rows[0]
    assert (row.external_id, row.stage, row.close_date) == ("001", "prospecting", date(2054, 11, 3))


def test_header_key_ignores_case_spacing_and_punctuation():
    keys = {header_key(text) for text in ("Close Date", "CloseDate", "closedate", "close_date")}
    assert keys == {"closedate"}
    assert header_key("Probability (%)") == "probability"
    assert header_key("Deal - ID") == "dealid"


MAPPING = """
[columns]
external_id = "Opp Ref"
name = ["Deal title", "Title"]
stage = "Phase"
owner = "Rep"
close_date = "Due"
amount = "Value"

[stages]
"Demo booked" = "discovery"
"Verbal yes" = "negotiation"

[owners]
"jdoe@example.com" = "Jane Doe"

[options]
day_first = true
currency = "eur"
"""


def test_mapping_file_with_stage_and_owner_maps():
    mapping = parse_mapping(MAPPING)
    data = csv_bytes(
        "Opp Ref;Title;Phase;Rep;Due;Value;Region",
        "A-1;Alpha;Demo booked;JDoe@Example.com;03/11/2054;1.234,56;North",
        "A-2;Beta;verbal  YES;Max Mustermann;25.12.2054;500;South",
        "A-3;Gamma;Solution / Proposal;Max Mustermann;1/2/54;;South",
        "A-4;Delta;Handshake;Max Mustermann;1/2/54;;South",
    )
    parsed = parse_export(data, mapping=mapping)
    assert parsed.source == "custom"
    assert parsed.day_first is True
    assert parsed.columns["name"] == "Title"
    assert parsed.unmapped == ["Region"]
    assert [(row.stage, row.owner, row.close_date) for row in parsed.rows] == [
        ("discovery", "Jane Doe", date(2054, 11, 3)),
        ("negotiation", "Max Mustermann", date(2054, 12, 25)),
        ("proposal", "Max Mustermann", date(2054, 2, 1)),
    ]
    assert [row.amount for row in parsed.rows] == [1234.56, 500.0, None]
    assert {row.currency for row in parsed.rows} == {"EUR"}
    assert errors_of(parsed) == [
        (5, "unknown stage 'Handshake'; add it under [stages] in a --mapping file")
    ]


SALES_PIPELINE = csv_bytes(  # the shape of a public CRM sample: no owner, two dates
    "opportunity_id,sales_agent,product,account,deal_stage,engage_date,close_date,close_value",
    "1C1I7A6R,,GTX Plus Basic,Cancity,Won,2054-10-20,2054-11-02,1054",
    "Z063OYW0,Darcel Schlecht,GTXPro,Isdom,Engaging,2054-10-25,,",
    "EC4QE1BX,Darcel Schlecht,MG Special,Cancity,Lost,2054-10-25,2054-11-07,0",
)
SALES_PIPELINE_MAPPING = """
[columns]
external_id = "opportunity_id"
name = "product"
owner = "sales_agent"
stage = "deal_stage"
close_date = ["close_date", "engage_date"]
amount = "close_value"

[defaults]
owner = "Ana Souza"
forecast_category = "Pipeline"

[stages]
Engaging = "discovery"
Won = "closed_won"
Lost = "closed_lost"
"""


def test_mapping_fallback_columns_and_defaults():
    parsed = parse_export(SALES_PIPELINE, mapping=parse_mapping(SALES_PIPELINE_MAPPING))
    assert parsed.source == "custom" and parsed.errors == []
    assert parsed.unmapped == ["account"]  # engage_date is read, as a fallback
    rows = [
        (r.external_id, r.owner, r.close_date, r.status, r.forecast_category) for r in parsed.rows
    ]
    assert rows == [
        ("1C1I7A6R", "Ana Souza", date(2054, 11, 2), "won", "pipeline"),
        ("Z063OYW0", "Darcel Schlecht", date(2054, 10, 25), "open", "pipeline"),
        ("EC4QE1BX", "Darcel Schlecht", date(2054, 11, 7), "lost", "pipeline"),
    ]


def test_a_default_stands_in_for_a_column_the_file_lacks():
    mapping = parse_mapping('[defaults]\nowner = "Ana Souza"\ncurrency = "eur"\n')
    data = csv_bytes("Id,Name,StageName,CloseDate,Amount", "1,A,Qualification,2054-11-03,5")
    parsed = parse_export(data, mapping=mapping)
    assert parsed.source == "salesforce" and parsed.errors == []
    assert (parsed.rows[0].owner, parsed.rows[0].currency) == ("Ana Souza", "EUR")
    assert "owner" not in parsed.columns and parsed.unmapped == []


def test_defaults_are_read_like_the_cells_they_stand_for():
    mapping = parse_mapping('[defaults]\nclose_date = "25/12/2054"\nstage = "Needs Analysis"\n')
    data = csv_bytes("Id,Name,StageName,CloseDate,OwnerId", "1,A,,,Jo", "2,B,Prospecting,,Jo")
    parsed = parse_export(data, mapping=mapping)
    assert parsed.day_first is True  # the default's date is only readable day first
    assert [(r.stage, r.close_date) for r in parsed.rows] == [
        ("discovery", date(2054, 12, 25)),
        ("prospecting", date(2054, 12, 25)),
    ]
    bad = parse_mapping('[defaults]\nprobability = "lots"\n')
    assert errors_of(parse_export(data, mapping=bad)) == [
        # An open deal without a close date is kept (and flagged later), not refused.
        (2, "missing stage; probability: 'lots' is not a number."),
        (3, "probability: 'lots' is not a number."),
    ]


@pytest.mark.parametrize(
    ("columns", "message"),
    [
        ('name = "Title"\naccount = "Title"', "reads column 'Title' as both name and account"),
        ('name = "Title"\naccount = "title"', "reads column 'Title' as both name and account"),
        (
            'close_date = ["Due", "Created"]\ncreated_date = "Created"',
            "reads column 'Created' as both close_date and created_date",
        ),
    ],
)
def test_a_mapping_that_reads_one_column_as_two_fields_is_refused(columns, message):
    mapping = parse_mapping(
        f'[columns]\nexternal_id = "Ref"\nstage = "Phase"\nowner = "Rep"\n{columns}\n'
    )
    data = csv_bytes("Ref,Title,Phase,Rep,Due,Created", "1,A,Talking,Jo,2054-11-03,2054-10-01")
    with pytest.raises(Invalid, match=message) as caught:
        parse_export(data, mapping=mapping)
    assert "a column holds one field" in caught.value.message


def test_mapping_adds_to_a_builtin_source():
    mapping = parse_mapping('[stages]\n"Legal review" = "negotiation"\n')
    data = csv_bytes("Id,Name,StageName,CloseDate,OwnerId", "1,A,Legal Review,2054-11-03,Jo")
    parsed = parse_export(data, source="salesforce", mapping=mapping)
    assert parsed.rows[0].stage == "negotiation"


def test_mapping_column_missing_from_file_is_invalid():
    mapping = parse_mapping('[columns]\nstage = "Phase"\n')
    data = csv_bytes("Id,Name,StageName,CloseDate,OwnerId", "1,A,Qualification,2054-11-03,Jo")
    with pytest.raises(Invalid, match="puts stage in column 'Phase'"):
        parse_export(data, mapping=mapping)


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ('[columns]\ndeal_size = "Amount"\n', "columns: unknown field 'deal_size'"),
        ("[stages]\nWon = 3\n", "stages.Won"),
        ('[options]\ncurrency = "EURO"\n', "options.currency"),
        ('[options]\nday_first = "yes"\n', "options.day_first"),
        ("[colums]\n", "colums: is not a key coach knows (a typo?)"),
        ('[defaults]\nexternal_id = "X"\n', "external_id cannot have a default"),
        ('[defaults]\nname = "Deal"\n', "name cannot have a default"),
        ('[defaults]\nsize = "XL"\n', "defaults: unknown field 'size'"),
        ('[defaults]\nowner = " "\n', "the default for owner is empty"),
        ("[defaults]\nprobability = 0.5\n", "defaults.probability"),
        ("[columns\n", "is not valid TOML"),
    ],
)
def test_bad_mapping_file_names_the_key(text, named):
    with pytest.raises(Invalid) as caught:
        parse_mapping(text, "deals.toml")
    assert named in caught.value.message
    assert "deals.toml" in caught.value.message


def test_mapping_stage_slug_must_exist_in_the_methodology():
    mapping = parse_mapping('[stages]\n"Demo" = "demo_done"\n')
    data = csv_bytes("Id,Name,StageName,CloseDate,OwnerId", "1,A,Demo,2054-11-03,Jo")
    with pytest.raises(Invalid, match="does not have: demo_done"):
        parse_export(data, mapping=mapping)


def test_stages_come_from_the_methodology_passed_in():
    stages = {
        "working": StageInfo("Working it"),
        "signed": StageInfo("Signed", "won"),
        "gone": StageInfo("Gone", "lost"),
    }
    data = csv_bytes(
        "Record ID,Deal Name,Deal Stage,Close Date,Deal owner",
        "1,A,working it,2054-11-03,Jo",
        "2,B,closedwon,2054-11-03,Jo",
        "3,C,Closed Lost,2054-11-03,Jo",
        "4,D,qualifiedtobuy,2054-11-03,Jo",
    )
    parsed = parse_export(data, stages=stages)
    assert [(row.stage, row.status) for row in parsed.rows] == [
        ("working", "open"),
        ("signed", "won"),
        ("gone", "lost"),
    ]
    assert errors_of(parsed) == [
        (5, "unknown stage 'qualifiedtobuy'; add it under [stages] in a --mapping file")
    ]


def test_methodology_stage_objects_fit():
    stages = load_methodology().stages
    data = csv_bytes(
        "Id,Name,StageName,CloseDate,OwnerId",
        "1,A,Solution / Proposal,2054-11-03,Jo",
        "2,B,Closed Won,2054-11-03,Jo",
    )
    parsed = parse_export(data, stages=stages)
    assert [(row.stage, row.status) for row in parsed.rows] == [
        ("proposal", "open"),
        ("closed_won", "won"),
    ]


@pytest.mark.parametrize(
    ("text", "day_first", "expected"),
    [
        ("2054-11-03", False, date(2054, 11, 3)),
        ("2054-11-03T10:00:00Z", False, date(2054, 11, 3)),
        ("2054-11-03T23:59:59.123+02:00", False, date(2054, 11, 3)),
        ("2054-11-03 14:22", False, date(2054, 11, 3)),
        ("2054/11/03", True, date(2054, 11, 3)),
        ("11/3/2054", False, date(2054, 11, 3)),
        ("11/03/2054 2:22 PM", False, date(2054, 11, 3)),
        ("11/3/2054", True, date(2054, 3, 11)),
        ("3.11.2054", False, date(2054, 11, 3)),
        ("03.11.2054 14:22", True, date(2054, 11, 3)),
        ("3.11.54", False, date(2054, 11, 3)),
        ("11/3/54", False, date(2054, 11, 3)),
        ("1/1/99", False, date(1999, 1, 1)),
        (" 2054-02-28 ", False, date(2054, 2, 28)),
    ],
)
def test_export_date_forms(text, day_first, expected):
    assert parse_export_date(text, day_first) == expected


@pytest.mark.parametrize(
    "text",
    ["13/11/2054", "2054-02-30", "31.02.2054", "11-03-2054", "2054-11-03 garbage", "Nov 3", ""],
)
def test_bad_export_dates(text):
    with pytest.raises(Invalid):
        parse_export_date(text)


def test_day_first_is_guessed_from_an_unambiguous_date():
    assert guess_day_first(["03/11/2054", "25/11/2054"]) is True
    assert guess_day_first(["03/11/2054", "11/25/2054"]) is False
    assert guess_day_first(["03/11/2054", "2054-11-25", "3.11.2054"]) is None
    data = csv_bytes(
        "Id,Name,StageName,CloseDate,OwnerId",
        "1,A,Qualification,03/11/2054,Jo",
        "2,B,Qualification,25/11/2054,Jo",
    )
    guessed = parse_export(data)
    assert guessed.day_first is True
    assert [row.close_date for row in guessed.rows] == [date(2054, 11, 3), date(2054, 11, 25)]
    forced = parse_export(data, day_first=False)
    assert [row.close_date for row in forced.rows] == [date(2054, 3, 11)]
    assert forced.errors[0].line == 3
    assert "use --day-first" in forced.errors[0].reason


@pytest.mark.parametrize(
    ("text", "value", "currency"),
    [
        ("1200", 1200.0, None),
        ("1,200.50", 1200.5, None),
        ("$1,200.50", 1200.5, None),
        ("USD 1,200.50", 1200.5, "USD"),
        ("1,200.50 usd", 1200.5, "USD"),
        ("€1.234,56", 1234.56, "EUR"),
        ("1 200,50 €", 1200.5, "EUR"),
        ("£ 2,000,000", 2_000_000.0, "GBP"),
        ("1200,5", 1200.5, None),
        ("1.234.567", 1_234_567.0, None),
        ("1.5", 1.5, None),
        ("0", 0.0, None),
        ("", None, None),
    ],
)
def test_csv_amounts(text, value, currency):
    assert parse_csv_amount(text) == value
    assert currency_in(text) == currency


@pytest.mark.parametrize(
    "text", ["-5", "(1,200)", "$-5", "abc", "1,2345", "12,345,67", "1.234,567.8", "1e5", "nan"]
)
def test_bad_csv_amounts(text):
    with pytest.raises(Invalid):
        parse_csv_amount(text)


@pytest.mark.parametrize(
    ("text", "mark", "point", "comma"),
    [
        ("12.500", "either", 12.5, 12500.0),
        ("€ 2.000", "either", 2.0, 2000.0),
        ("1,500", "either", 1500.0, 1.5),
        ("USD 1,500", "either", 1500.0, 1.5),
        ("1.234,56", "comma", 1234.56, 1234.56),
        ("1.250.000", "comma", 1_250_000.0, 1_250_000.0),
        ("12,5", "comma", 12.5, 12.5),
        ("1,234.56", "point", 1234.56, 1234.56),
        ("1,250,000", "point", 1_250_000.0, 1_250_000.0),
        ("12.5", "point", 12.5, 12.5),
        ("0.500", "point", 0.5, 0.5),
        ("0,500", "comma", 0.5, 0.5),
        ("1234.500", "point", 1234.5, 1234.5),
        ("12500", None, 12500.0, 12500.0),
        ("12 500", None, 12500.0, 12500.0),
        ("", None, None, None),
    ],
)
def test_amounts_that_read_two_ways_follow_the_decimal_mark(text, mark, point, comma):
    assert decimal_mark(text) == mark
    for decimal_comma, expected in ((False, point), (True, comma)):
        if mark == ("comma" if decimal_comma is False else "point"):
            # Written only the other way: the flag and the file disagree, a bad row.
            with pytest.raises(Invalid, match="reads only with a decimal"):
                parse_csv_amount(text, decimal_comma=decimal_comma)
        else:
            assert parse_csv_amount(text, decimal_comma=decimal_comma) == expected
    if mark == "either":
        with pytest.raises(Invalid, match="use --decimal-point or --decimal-comma"):
            parse_csv_amount(text)
    else:
        assert parse_csv_amount(text) == point


EUROPEAN = (
    "Id;Name;StageName;CloseDate;OwnerId;Amount\n"
    "1;Alpha;Qualification;03.12.2054;Jo;12.500\n"
    "2;Beta;Qualification;04.12.2054;Jo;€ 2.000\n"
    "3;Gamma;Qualification;05.12.2054;Jo;1.234,56 €\n"
    "4;Delta;Qualification;06.12.2054;Jo;900\n"
)


def test_a_file_that_writes_thousands_with_dots_reads_them_so():
    parsed = parse_export(EUROPEAN.encode())
    assert parsed.decimal_comma is True
    assert [row.amount for row in parsed.rows] == [12500.0, 2000.0, 1234.56, 900.0]
    assert [row.currency for row in parsed.rows] == [None, "EUR", "EUR", None]


def test_a_file_with_a_decimal_point_reads_dots_as_decimals():
    data = EUROPEAN.replace("1.234,56 €", "1,234.56").encode()
    parsed = parse_export(data)
    assert parsed.decimal_comma is False
    assert [row.amount for row in parsed.rows] == [12.5, 2.0, 1234.56, 900.0]


def test_a_file_without_amounts_that_read_two_ways_decides_nothing():
    assert parse_export(SALESFORCE_REPORT).decimal_comma is None  # mixed, yet each one way


UNDECIDED = EUROPEAN.replace("1.234,56 €", "900")
CONTRADICTING = EUROPEAN.replace("900\n", "1,234.56\n")


@pytest.mark.parametrize(
    ("text", "named"),
    [
        (UNDECIDED, "nothing in the file says which"),
        (CONTRADICTING, "both ways ('1.234,56 €' on line 4, '1,234.56' on line 5)"),
    ],
)
def test_an_undecided_file_names_the_flags(text, named):
    data = text.encode()
    with pytest.raises(Invalid) as caught:
        parse_export(data)
    message = caught.value.message
    assert "Amounts such as '12.500' (line 2) read two ways" in message
    assert named in message
    assert "Pass --decimal-comma if 1.234,56" in message and "--decimal-point" in message
    assert caught.value.exit_code == 2
    assert parse_export(data, decimal_comma=True).rows[0].amount == 12500.0
    assert parse_export(data, decimal_comma=False).rows[0].amount == 12.5
    mapping = parse_mapping("[options]\ndecimal_comma = true\n")
    assert parse_export(data, mapping=mapping).rows[1].amount == 2000.0


def test_bad_rows_are_listed_with_line_and_reason():
    data = csv_bytes(
        "Id,Name,StageName,CloseDate,OwnerId,Amount,ForecastCategoryName,Probability",
        "001,Good,Qualification,2054-11-03,Jo,100,Pipeline,10",
        ",No id,Qualification,2054-11-03,Jo,100,,",
        "003,,Qualification,2054-11-03,Jo,100,,",
        "004,Bad amount,Qualification,2054-11-03,Jo,-100,,",
        "005,Bad date,Qualification,31/31/2054,Jo,100,,",
        "006,Odd stage,Haggling,2054-11-03,Jo,100,,",
        "001,Again,Qualification,2054-11-03,Jo,100,,",
        "008,Odd category,Qualification,2054-11-03,Jo,100,Maybe,",
        "009,Odd probability,Qualification,2054-11-03,,100,,lots",
        "010,Too wide,Qualification,2054-11-03,Jo,100,,,surprise",
        "011,Short,Qualification,2054-11-03,Jo",
    )
    parsed = parse_export(data)
    assert [row.external_id for row in parsed.rows] == ["001", "011"]
    assert errors_of(parsed) == [
        (3, "missing deal id"),
        (4, "missing name"),
        (5, "amount: The amount cannot be negative ('-100')."),
        (
            6,
            "close date: '31/31/2054' is not a valid date (read as month/day/year). "
            "If the file writes the day first, use --day-first.",
        ),
        (7, "unknown stage 'Haggling'; add it under [stages] in a --mapping file"),
        (8, "duplicate id '001' (first on line 2)"),
        (
            9,
            "forecast category: unknown forecast category 'Maybe'; "
            "add it under [forecast_categories] in a --mapping file",
        ),
        (10, "missing owner; probability: 'lots' is not a number."),
        (11, "has 9 fields but the header has 8"),
    ]


EXPECTED_ALL = "Salesforce: Id, Name, StageName, CloseDate, OwnerId"


@pytest.mark.parametrize("data", [b"", b"\xef\xbb\xbf", b"\n\r\n  \n", b",,,\n"])
def test_empty_file_is_invalid(data):
    with pytest.raises(Invalid) as caught:
        parse_export(data)
    message = caught.value.message
    assert "empty" in message
    assert EXPECTED_ALL in message
    assert "HubSpot: Record ID, Deal Name, Deal Stage, Close Date, Deal owner" in message
    assert "Pipedrive: Deal - ID, Deal - Title, Deal - Stage" in message


def test_binary_file_is_invalid():
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00"
    with pytest.raises(Invalid, match="binary data") as caught:
        parse_export(png)
    assert EXPECTED_ALL in caught.value.message
    assert caught.value.exit_code == 2


WINDOWS_EXPORT = (
    "Id;Name;Account Name;StageName;CloseDate;OwnerId;NextStep\r\n"
    "1;Café Müller \u2013 Größe;Société Générale;Qualification;2054-12-03;José Núñez;"
    "Send the “final” quote € 5\r\n"
)


def test_excel_windows_file_in_cp1252_is_read():
    parsed = parse_export(WINDOWS_EXPORT.encode("cp1252"))
    assert parsed.errors == []
    row = parsed.rows[0]
    assert (row.name, row.account, row.owner) == (
        "Café Müller \u2013 Größe",
        "Société Générale",
        "José Núñez",
    )
    assert row.next_step == "Send the “final” quote € 5"


@pytest.mark.parametrize(
    "encoded",
    [
        WINDOWS_EXPORT.encode("utf-8"),
        b"\xef\xbb\xbf" + WINDOWS_EXPORT.encode("utf-8"),
        WINDOWS_EXPORT.encode("utf-16"),  # with its byte-order mark
        WINDOWS_EXPORT.encode("utf-16-le"),
        WINDOWS_EXPORT.encode("utf-16-be"),
    ],
    ids=["utf-8", "utf-8 bom", "utf-16", "utf-16-le bare", "utf-16-be bare"],
)
def test_unicode_encodings_are_recognised(encoded):
    parsed = parse_export(encoded)
    assert parsed.columns["external_id"] == "Id"
    assert parsed.rows[0].name == "Café Müller \u2013 Größe"


def test_encoding_can_be_named():
    latin = WINDOWS_EXPORT.replace("\u2013", "-").replace("“", '"').replace("”", '"')
    latin = latin.replace("€", "EUR")
    parsed = parse_export(latin.encode("latin-1"), encoding="latin-1")
    assert parsed.rows[0].owner == "José Núñez"
    dos = parse_export(latin.encode("cp850"), encoding="cp850")
    assert dos.rows[0].name == "Café Müller - Größe"
    assert parse_export(latin.encode("utf-8"), encoding="UTF8").rows[0].owner == "José Núñez"


@pytest.mark.parametrize(
    ("data", "encoding", "named"),
    [
        # 0x81 is no character in UTF-8 nor in Windows-1252
        (b"Id,Name,StageName,CloseDate,OwnerId\n1,Caf\x81,Qualification,2054-11-03,Jo\n",
         None, "neither UTF-8 nor Windows-1252 text: byte 0x81 on line 2"),
        ("Id,Name,StageName,CloseDate,OwnerId\n1,Zoë,Qualification,2054-11-03,Jo\n"
         .encode() + b"2,Caf\xe9,Qualification,2054-11-03,Jo\n",
         None, "mixes UTF-8 with another encoding (byte 0xE9 on line 3"),
        (WINDOWS_EXPORT.encode("cp1252"), "utf-8", "not utf-8 text: byte 0xE9 on line 2"),
        (WINDOWS_EXPORT.encode("cp1252"), "klingon", "Unknown encoding 'klingon'"),
    ],
)  # fmt: skip
def test_undecodable_file_gets_a_message_about_its_encoding(data, encoding, named):
    with pytest.raises(Invalid) as caught:
        parse_export(data, encoding=encoding)
    message = caught.value.message
    assert named in message
    assert caught.value.exit_code == 2
    assert "--encoding" in message or "Unknown encoding" in message
    assert EXPECTED_ALL not in message  # the columns are not the problem


def test_prose_is_not_an_export():
    with pytest.raises(Invalid, match="No recognisable columns") as caught:
        parse_export(b"Dear team\nplease find the deals attached\n")
    message = caught.value.message
    assert "Its columns: 'Dear team'." in message
    assert "Salesforce needs Id, Name, StageName, CloseDate, OwnerId" in message
    assert "HubSpot needs Record ID, Deal Name, Deal Stage, Close Date, Deal owner." in message


def test_forced_source_names_its_required_columns():
    with pytest.raises(Invalid) as caught:
        parse_export(HUBSPOT, source="pipedrive")
    message = caught.value.message
    assert "The Pipedrive export has no column for deal id (expected Deal - ID)" in message
    assert "name (expected Deal - Title)" in message
    assert "Deal - Expected close date" in message


def test_when_no_format_fits_the_message_says_what_each_needs():
    with pytest.raises(Invalid) as caught:
        parse_export(csv_bytes("Amount,Close Date,Region", "5,2054-11-03,North"))
    assert caught.value.message.splitlines() == [
        "No CRM export format fits this file. Its columns: 'Amount', 'Close Date', 'Region'.",
        "  Salesforce lacks deal id (Id or Opportunity ID), name (Name or Opportunity Name), "
        "stage (StageName or Stage), owner (Opportunity Owner, Owner.Name or OwnerId); "
        "it has close date.",
        "  HubSpot lacks deal id (Record ID or hs_object_id), name (Deal Name or dealname), "
        "stage (Deal Stage or dealstage), owner (Deal owner or hubspot_owner_id); "
        "it has close date.",
        "  Pipedrive needs Deal - ID, Deal - Title, Deal - Stage, Deal - Expected close date, "
        "Deal - Owner.",
        "Export again with those columns, or name this file's columns under [columns] in a "
        "--mapping file (see examples/crm-mapping.toml).",
    ]


def test_a_file_close_to_one_format_is_read_as_it_to_name_what_it_lacks():
    with pytest.raises(Invalid) as caught:
        parse_export(
            csv_bytes("Deal Name,Deal Stage,Close Date,Amount", "A,closedwon,2054-11-03,5")
        )
    assert caught.value.message.startswith(
        "The HubSpot export has no column for deal id (expected Record ID or hs_object_id); "
        "owner (expected Deal owner or hubspot_owner_id)."
    )


def test_headers_that_fit_two_formats_ask_for_from():
    both = csv_bytes(
        "Id,Name,StageName,CloseDate,OwnerId,Record ID,Deal Name,Deal Stage,Deal owner",
        "1,A,Qualification,2054-11-03,Jo,9,A,qualifiedtobuy,Jo",
    )
    with pytest.raises(Invalid, match="fit a Salesforce and HubSpot export equally well; "
                       "say which with --from salesforce or --from hubspot"):  # fmt: skip
        parse_export(both)
    assert parse_export(both, source="hubspot").rows[0].external_id == "9"


def test_unterminated_quote_is_invalid_with_its_line():
    data = csv_bytes("Id,Name,StageName,CloseDate,OwnerId", '1,"Open quote,Qualification')
    with pytest.raises(Invalid, match="Line 2 is not valid CSV"):
        parse_export(data)


def test_unknown_source_is_invalid():
    with pytest.raises(Invalid, match="Unknown source 'zoho'"):
        parse_export(SALESFORCE_API, source="zoho")


def test_markup_like_text_is_kept_exactly():
    name = "[bold]Big[/bold] | deal # `x`"
    next_step = "=cmd|' /C calc'!A0"
    account = "<script>alert('x')</script>"
    owner = "Zoë **Müller** 🚀"
    quoted = [f'"{value.replace(chr(34), chr(34) * 2)}"' for value in (name, next_step, account)]
    data = csv_bytes(
        "Id,Name,NextStep,AccountId,StageName,CloseDate,OwnerId",
        f"1,{quoted[0]},{quoted[1]},{quoted[2]},Qualification,2054-11-03,  {owner}  ",
    )
    parsed = parse_export(data)
    row = parsed.rows[0]
    assert (row.name, row.next_step, row.account, row.owner) == (name, next_step, account, owner)


def test_empty_mapping_equals_no_mapping():
    assert parse_export(SALESFORCE_API, mapping=ImportMapping()) == parse_export(SALESFORCE_API)


@pytest.mark.parametrize(
    "data",
    [
        csv_bytes("Id,Name,StageName,CloseDate,OwnerId"),
        b"\xef\xbb\xbfRecord ID,Deal Name,Deal Stage,Close Date,Deal owner\r\n\r\n,,,,\r\n",
    ],
)
def test_header_only_file_has_no_rows(data):
    with pytest.raises(Invalid, match="no rows") as caught:
        parse_export(data)
    assert caught.value.exit_code == 2
