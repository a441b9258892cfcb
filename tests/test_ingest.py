"""Tests for screening.ingest: registry layouts, v2 JSON, cutting eligibility text into criteria."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from screening.errors import InputError
from screening.ingest import parse_trial_text, read_trial, split_criteria, trial_from_v2

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "examples" / "trials"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "trials"
CORPUS = Path("/work/shared/corpus")


def cut(text: str) -> list[tuple[str, str, str]]:
    """(id, label, text) of each criterion."""
    return [(c.id, c.label, c.text) for c in split_criteria(text)]


# --------------------------------------------------------------------------------------------
# Golden: the five seed documents
# --------------------------------------------------------------------------------------------

# fmt: off
SEED_CRITERIA: dict[str, tuple[tuple[str, str, str], ...]] = {
    "NCT03580291": (
        ("I1", "2.", "Ages: 18-60 years old (including);"),
        ("I2", "3.", "Presence of class III, IV, V, III+V or IV+V LN as determined by renal biopsy within 12 weeks of randomization(2003 ISN/RPS LN classification criteria);"),
        ("I3", "4.", r"Morning proteinuria /creatinine ratio \>1.0 or 24 hours Proteinuria \>1.0g, with or without microscopic hematuria(\>5 red blood cells/high-power field);"),
        ("I4", "5.", "Women of childbearing age agreed to adopt effective contraception measures during the trial period;"),
        ("I5", "6.", "Urine pregnancy tests were negative in women of childbearing age;"),
        ("I6", "7.", "Subject signed the informed consent form voluntarily and complied with the requirements of the research program."),
        ("E1", "2.", "Previous failure to respond to MMF."),
        ("E2", "3.", "Known intolerance to MMF."),
        ("E3", "4.", "Renal biopsy showing ≥50% glomerulus sclerosis."),
        ("E4", "5.", "Renal biopsy showing capillary loops necrosis, microthrombus formation in capillary loops, or cellular crescent in ≥50% of glomeruli."),
        ("E5", "6.", "Patients diagnosed with other autoimmune diseases apart from SLE: dermatomyositis/polymyositis, mixed connective tissue disease, scleroderma, rheumatoid arthritis, etc. However, participants with secondary Sjogren's syndrome are allowed to take part in the study."),
        ("E6", "7.", r"Patients suffering from severe liver or kidney dysfunction (total bilirubin more than 14mg/L, aspartate aminotransferase (AST) or alanine aminotransferase (ALT) more than 1.5 times the upper limit of normal lab value; creatinine clearance rate (Ccr) \< 30ml/min or serum creatinine (Scr) ≥265.2umol/L)."),
        ("E7", "8.", r"Patients with hematological abnormalities (white blood cell \<3000/uL, hemoglobin \<8g/dL, and/or platelets \<50000/uL)."),
        ("E8", "9.", "Patients diagnosed with severe or uncontrolled cardiovascular, neurological, pulmonary (including obstructive pulmonary disease and interstitial lung disease), hepatic, endocrine (including uncontrolled diabetes mellitus), and gastrointestinal disorders."),
        ("E9", "10.", "Known active or history of recurrent bacterial, viral, fungal, mycobacterial or other infections (including but not limited to tuberculosis, atypical mycobacterial infection, granulomatous disease showed by chest X-ray, hepatitis B, hepatitis C, HIV infection and herpes zoster, whereas not including onychomycosis). Any infection requiring hospitalization within 4 weeks prior to enrollment or intravenous antimicrobial treatment within 2 weeks prior to randomization."),
        ("E10", "11.", "History of malignancy, including solid tumor and hematologic malignancies (except basal cell carcinoma which has been excised or successfully treated)."),
        ("E11", "12.", "Women who are pregnant or breastfeeding."),
    ),
    "NCT03917797": (
        ("I1", "*", "Fulfilling 1997 updated American College of Rheumatology (ACR) Criteria or 2012 SLICC Classification Criteria for SLE"),
        ("I2", "*", "Seropositive for antinuclear (≥1:80) and/or anti-DNA antibodies"),
        ("I3", "*", r"Fulfilling following criteria for active renal disease: Class III or IV proliferative disease (ISN/RPS) Renal Biopsy within 12 months plus... Active Urinary Sediment (\> 5 red blood cells/high-power field and/or \>8 white blood cells/high-power field and/or cylindruria during the current flare). UPC ratio ≥ 1"),
        ("E1", "*", r"Estimated GFR \< 40ml/min/m2"),
        ("E2", "*", "Addition during prior 3 months of randomization of: Bolus methylprednisolone or new immunosuppressive drug or intravenous immunoglobulin (IVIG) or Plasmapheresis."),
        ("E3", "*", "Addition during prior 6 months of randomization of Cyclophosphamide"),
        ("E4", "*", "Addition during prior 12 months of randomization of Biological anti-B cell therapy"),
        ("E5", "*", "Coexisting uncontrolled morbidity; Pregnancy or planned Pregnancy within next 12 months; uncontrolled infection or neoplastic disease. Pending unresolved surgical indication."),
    ),
    "NCT00659217": (
    ),
    "NCT05631717": (
        ("I1", "•", "Before random assignment, records show that it meets at least 4 of the 11 SLE classification criteria recommended by ACR in 1997."),
        ("I2", "•", "Age: age > 18 years old, ≤ 65 years old when obtaining informed consent"),
        ("I3", "•", "SLEDAI-2K score ≥ 6"),
        ("I4", "•", "Urinary total protein / creatinine ratio > 1.0 or 24-hour urinary protein > 1.0g, with or without microscopic hematuria"),
        ("I5", "•", "If they are fertile, they must agree to use effective contraception during the trial."),
        ("I6", "•", "In the case of women of childbearing age, urinary pregnancy and serum pregnancy tests should be negative."),
        ("I7", "•", "Voluntarily sign informed consent and comply with the requirements of the research programme"),
        ("E1", "•", "Patients who had received rituximab or any other B cell depletion therapy within 24 weeks before screening; patients who received unstable doses of mycophenolate mofetil, cyclophosphamide or other immunosuppressants (including Cyclosporine, Tacrolimus, Tripterygium wilfordii, Leflunomide, Azathioprine, Iguratimod) within the first 12 weeks of screening. Received biological agents or small molecule targeted drugs for immune diseases within 4 weeks before screening, such as Etanercept, Infliximab, Adalimumab Solution, Golimumab, Belimumab, Tocilizumab or JAK inhibitors;"),
        ("E2", "•", "Plasmapheresis or immunosorbent therapy within 12 weeks before screening."),
        ("E3", "•", "Accompanied by severe and uncontrolled cardiovascular diseases, nervous system diseases, lung diseases, liver diseases, endocrine and gastrointestinal diseases."),
        ("E4", "•", "Current or recent (within 4 weeks before random allocation) a history of severe active or recurrent bacterial, viral, fungal, parasitic or other infections (including, but not limited to, tuberculosis and atypical mycobacterial diseases, hepatitis B and C, HIV infection, herpes zoster, but excluding onychomycosis). Or any infected person who needs hospitalization and intravenous antibiotic treatment within 4 weeks before screening or any infected person who needs treatment within 2 weeks before screening."),
        ("E5", "•", "Any major surgery has been performed within 12 weeks before screening, or major surgery is required during the study period, which the researchers believe will pose an unacceptable risk to the patient;"),
        ("E6", "•", "Live vaccine will be given within 12 weeks before random allocation, or live vaccine is expected to be needed / received during the study (except for herpes zoster vaccination)."),
        ("E7", "•", "Patients with a history of malignant tumors, including solid tumors and hematological malignancies (except for excised or cured basal cell carcinoma of the skin);"),
        ("E8", "•", "Pregnant or lactating women."),
    ),
    "NCT03171194": (
        ("I1", "*", "Definite SLE by meeting either SLICC or ACR Classification Criteria for SLE"),
        ("I2", "*", "Evidence of a positive ANA (≥1:80 titer) or positive dsDNA antibody test within 6 months of screening"),
        ("I3", "*", "Clinically mild to moderately active SLE determined by SLEDAI score ≥4 and ≤10 at screening, despite SOC therapy"),
        ("I4", "*", "If the patient has BILAG A or two BILAG Bs in the renal organ system, he/she must have completed at least 6 months of therapy with either mycophenolate mofetil or cyclophosphamide for the current episode of nephritis"),
        ("I5", "*", "Able and willing to give written informed consent"),
        ("E1", "*", "Active lupus nephritis requiring dialysis"),
        ("E2", "*", r"Laboratory exclusions: eGFR \<30, WBC \<2.0/mm3, hemoglobin \<8 g/dL, platelet count \<30,000/mm3, liver enzymes AST or ALT \>4 times upper limit normal; Positive testing for HIV, hepatitis B or hepatitis C"),
        ("E3", "*", "History of malignant neoplasm within the last 3 years, except for adequately treated cancers of the skin (basal or squamous cell) or carcinoma in situ of the uterine cervix"),
        ("E4", "*", "Pregnant or breast feeding; males or females not willing to use adequate contraception"),
        ("E5", "*", "History of renal transplantation"),
        ("E6", "*", "Herpes zoster within the past 90 days or any infection requiring hospitalization or intravenous antibiotics within the past 60 days"),
        ("E7", "*", "Clinically significant EKG or chest X-ray abnormalities"),
        ("E8", "*", "Any other medical condition, related or unrelated to SLE, that in the opinion of the investigator would render the patient inappropriate or too unstable to complete study protocol"),
        ("E9", "*", r"Use of prednisone \>0.5 mg/kg/day (or equivalent corticosteroid) within 1 month of Baseline visit"),
        ("E10", "*", "Change or addition to immunosuppressant regimen within 3 months of Baseline visit (except corticosteroids); Use of other experimental therapeutic agents within 3 months of Baseline visit"),
        ("E11", "*", "Having received belimumab within 3 months of Baseline, or having received rituximab or other B cell depleting biologic therapy within 6 months of Baseline."),
        ("E12", "*", "Comorbidities requiring corticosteroid therapy"),
        ("E13", "*", "Current substance abuse or recent (within 60 days) history of substance abuse"),
    ),
}
# fmt: on

SEED_METADATA = {
    "NCT03580291": dict(
        title="Human Umbilical Cord Mesenchymal Stem Cells Treatment for Lupus Nephritis (LN)",
        phase="Phase 2",
        status="UNKNOWN",
        enrollment=230,
        conditions=(),
        minimum_age="18 Years",
        maximum_age="60 Years",
        sex="all",
        healthy_volunteers=False,
    ),
    "NCT03917797": dict(
        title="Mesenchymal Stromal Cells (MSC\u00b4s) in Renal Lupus",
        phase="Phase 2",
        status="RECRUITING",
        enrollment=39,
        conditions=("Lupus Erythematosus, Systemic Lupus Glomerulonephritis",),
        minimum_age="18 Years",
        maximum_age="75 Years",
        sex="all",
        healthy_volunteers=False,
    ),
    "NCT00659217": dict(
        title="Effect of Mesenchymal Stem Cell Transplantation for Lupus Nephritis",
        phase=None,
        status="UNKNOWN",
        enrollment=None,
        conditions=(),
        minimum_age=None,
        maximum_age=None,
        sex="all",
        healthy_volunteers=None,
    ),
    "NCT05631717": dict(
        title="The Study of Comparing the Efficacy and Safety of Human Umbilical Cord MSCs and "
        "Low-dose IL-2 in the Treatment of LN",
        phase="Phase 3",
        status="RECRUITING",
        enrollment=40,
        conditions=("Systemic Lupus Erythematosus", "Lupus Nephritis"),
        minimum_age=None,
        maximum_age=None,
        sex="all",
        healthy_volunteers=None,
    ),
    "NCT03171194": dict(
        title="Pilot Trial of Mesenchymal Stem Cells for Systemic Lupus Erythematosus",
        phase="Phase 1",
        status="COMPLETED",
        enrollment=6,
        conditions=(),
        minimum_age="18 Years",
        maximum_age="65 Years",
        sex="all",
        healthy_volunteers=False,
    ),
}

SEED_COUNTS = {
    "NCT03580291": (6, 11),
    "NCT03917797": (3, 5),
    "NCT00659217": (0, 0),
    "NCT05631717": (7, 8),
    "NCT03171194": (5, 13),
}


@pytest.mark.parametrize("nct_id", sorted(SEED_CRITERIA))
def test_seed_criteria_are_golden(nct_id: str) -> None:
    trial = read_trial(SEEDS / f"{nct_id}.txt")
    got = tuple((c.id, c.label, c.text) for c in trial.criteria)
    assert got == SEED_CRITERIA[nct_id]
    assert (len(trial.inclusion), len(trial.exclusion)) == SEED_COUNTS[nct_id]


@pytest.mark.parametrize("nct_id", sorted(SEED_METADATA))
def test_seed_metadata(nct_id: str) -> None:
    trial = read_trial(SEEDS / f"{nct_id}.txt")
    assert trial.nct_id == nct_id
    assert trial.source == str(SEEDS / f"{nct_id}.txt")
    assert trial.model_dump(include=set(SEED_METADATA[nct_id])) == SEED_METADATA[nct_id]


def test_old_record_takes_its_nct_id_from_the_file_name(tmp_path: Path) -> None:
    text = (SEEDS / "NCT00659217.txt").read_text(encoding="utf-8")
    assert parse_trial_text(text, "somewhere/NCT00659217.txt").nct_id == "NCT00659217"
    with pytest.raises(InputError, match="no NCT id") as error:
        parse_trial_text(text, "somewhere/record.txt")
    assert str(error.value).startswith("somewhere/record.txt:")
    renamed = tmp_path / "record.txt"
    renamed.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=r"record\.txt"):
        read_trial(renamed)


def test_page_id_is_the_pages_own_not_a_related_trial() -> None:
    # the page lists related trials (NCT06485648 …) before its criteria
    assert read_trial(SEEDS / "NCT03580291.txt").nct_id == "NCT03580291"


def test_bare_registry_lines_are_not_criteria() -> None:
    trial = read_trial(SEEDS / "NCT03580291.txt")
    assert trial.exclusion[-1].text == "Women who are pregnant or breastfeeding."


def test_labelled_registry_block() -> None:
    page = (
        "A Trial\nNCT ID: NCT09990010\nEligibility Criteria\nSite description line.\n"
        "Inclusion Criteria\n* Adults\nExclusion Criteria\n* Pregnancy\n"
        "Minimum Eligible Age\n\nN/A\n\nMaximum Eligible Age\n\n17 Years\n\nEligible Sex\n\nMALE\n\n"
        "Accepts Healthy Volunteers\n\nYes\n\nSponsors\nSomeone\n"
    )
    trial = parse_trial_text(page)
    assert (trial.minimum_age, trial.maximum_age, trial.sex, trial.healthy_volunteers) == (
        None,
        "17 Years",
        "male",
        True,
    )
    assert cut_ids(trial.criteria) == ["I1", "E1"]


def test_page_without_criteria_headings_skips_the_site_description() -> None:
    page = (
        "A Trial\nNCT ID: NCT09990011\nEligibility Criteria\nCheck the requirements below.\n"
        "Adults with asthma.\n18 Years\nALL\nNo\nSponsors\n"
    )
    trial = parse_trial_text(page)
    assert [(c.id, c.text) for c in trial.criteria] == [("I1", "Adults with asthma.")]
    assert (trial.minimum_age, trial.maximum_age) == ("18 Years", None)


def cut_ids(criteria) -> list[str]:
    return [c.id for c in criteria]


# --------------------------------------------------------------------------------------------
# ClinicalTrials.gov API v2 JSON
# --------------------------------------------------------------------------------------------


def test_v2_study_fields() -> None:
    trial = read_trial(FIXTURES / "NCT09990001.json")
    assert trial.model_dump(exclude={"criteria"}) == dict(
        nct_id="NCT09990001",
        title="Fixture Study of Renal Lupus",
        phase="Phase 2/Phase 3",
        status="NOT_YET_RECRUITING",
        enrollment=120,
        conditions=("Lupus Nephritis", "Systemic Lupus Erythematosus"),
        minimum_age="18 Years",
        maximum_age=None,
        sex="female",
        healthy_volunteers=False,
        source=str(FIXTURES / "NCT09990001.json"),
    )
    assert [(c.id, c.label, c.text) for c in trial.criteria] == [
        ("I1", "*", "Age ≥ 18 years at screening"),
        (
            "I2",
            "*",
            "Biopsy-proven lupus nephritis, defined by: ISN/RPS 2003 class III or IV; "
            "renal biopsy within 6 months",
        ),
        (
            "I3",
            "*",
            r"Urine protein/creatinine ratio \>= 1 g/g, measured on a first-morning sample",
        ),
        ("I4", "*", r"eGFR \> 30 mL/min/1.73 m\^2"),
        ("E1", "1.", "Pregnancy or breastfeeding"),
        (
            "E2",
            "2.",
            "Active infection requiring intravenous antibiotics within 4 weeks, including: "
            "a. tuberculosis; b. hepatitis B or C",
        ),
        ("E3", "3.", r"Serum creatinine \> 3 mg/dL"),
    ]


def test_v2_search_response_with_one_study() -> None:
    trial = read_trial(FIXTURES / "search_one.json")
    assert trial.nct_id == "NCT09990002"
    assert trial.title == "Only An Official Title"  # no briefTitle: the official one
    assert (trial.phase, trial.minimum_age, trial.maximum_age) == (
        "Not Applicable",
        None,
        "65 Years",
    )
    assert [c.id for c in trial.criteria] == ["I1", "E1"]


def test_trial_from_v2_accepts_a_mapping() -> None:
    study = json.loads((FIXTURES / "NCT09990001.json").read_text(encoding="utf-8"))
    assert trial_from_v2(study, "x.json") == read_trial(FIXTURES / "NCT09990001.json").model_copy(
        update={"source": "x.json"}
    )


def test_v2_without_nct_id_uses_the_file_name() -> None:
    study = {"protocolSection": {"identificationModule": {"briefTitle": "T"}}}
    assert trial_from_v2(study, "dl/NCT09990099.json").nct_id == "NCT09990099"
    with pytest.raises(InputError, match=r"identificationModule\.nctId"):
        trial_from_v2(study, "dl/study.json")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("search_two.json", r"search_two\.json, field 'studies': search response holds 2 studies"),
        ("search_not_a_study.json", "protocolSection"),
        (
            "no_protocol.json",
            r"no_protocol\.json, field 'protocolSection': JSON without protocolSection",
        ),
        (
            "bad_sex.json",
            r"field 'protocolSection\.eligibilityModule\.sex': expected ALL, FEMALE or MALE",
        ),
        ("bad_enrollment.json", r"enrollmentInfo\.count': expected a whole number"),
    ],
)
def test_v2_errors_name_file_and_field(name: str, expected: str) -> None:
    with pytest.raises(InputError, match=expected) as error:
        read_trial(FIXTURES / name)
    assert "\n" not in str(error.value)


def test_v2_module_of_the_wrong_type() -> None:
    study = {
        "protocolSection": {
            "identificationModule": {"nctId": "NCT09990030"},
            "eligibilityModule": ["not", "an", "object"],
        }
    }
    with pytest.raises(InputError, match=r"field 'protocolSection\.eligibilityModule'"):
        trial_from_v2(study, "s.json")


# --------------------------------------------------------------------------------------------
# Not a trial record
# --------------------------------------------------------------------------------------------


def test_random_text_is_not_a_trial() -> None:
    path = FIXTURES / "not_a_trial.txt"
    with pytest.raises(InputError, match="not a trial record") as error:
        read_trial(path)
    assert str(error.value).startswith(f"{path}: ")


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "empty file"),
        (b"  \n\n", "empty file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
        (b"Inclusion Criteria:\n* caf\xe9\n", "not UTF-8"),
        (b'{"protocolSection": {', "invalid JSON"),
        (b"[1, 2, 3]", "JSON without protocolSection"),
    ],
)
def test_unreadable_documents(tmp_path: Path, content: bytes, expected: str) -> None:
    path = tmp_path / "NCT09990020.txt"
    path.write_bytes(content)
    with pytest.raises(InputError, match=expected) as error:
        read_trial(path)
    assert str(path) in str(error.value)


def test_invalid_json_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "study.json"
    path.write_text('{\n  "protocolSection": {\n    "x": 1,,\n  }\n}\n', encoding="utf-8")
    with pytest.raises(InputError) as error:
        read_trial(path)
    assert error.value.line == 3


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        read_trial(tmp_path / "NCT09990021.json")
    with pytest.raises(InputError, match="directory"):
        read_trial(tmp_path)


# --------------------------------------------------------------------------------------------
# Cutting eligibility text
# --------------------------------------------------------------------------------------------

HEADINGS = [
    ("Inclusion Criteria:", "Exclusion Criteria:"),
    ("Key Inclusion Criteria:", "Key Exclusion Criteria:"),
    ("Inclusion criteria", "Exclusion criteria"),
    ("INCLUSION CRITERIA", "EXCLUSION CRITERIA:"),
    ("Main inclusion criteria:", "Main exclusion criteria:"),
    ("[Inclusion Criteria]", "[Exclusion Criteria]"),
    ("**Inclusion Criteria:**", "**Exclusion Criteria:**"),
    ("Inclusion:", "Exclusion:"),
    ("-  INCLUSION CRITERIA:", "-  EXCLUSION CRITERIA:"),
    ("Inclusion Criteria for patients with asthma:", "Non-inclusion criteria:"),
]


@pytest.mark.parametrize(("inclusion", "exclusion"), HEADINGS)
def test_heading_variants(inclusion: str, exclusion: str) -> None:
    text = f"{inclusion}\n\n* Adults\n* Signed consent\n\n{exclusion}\n\n* Pregnancy\n"
    assert cut(text) == [
        ("I1", "*", "Adults"),
        ("I2", "*", "Signed consent"),
        ("E1", "*", "Pregnancy"),
    ]


@pytest.mark.parametrize(
    "label",
    ["*", "•", "-", "1.", "1)", "(1)", "a.", "A)", "ii."],
)
def test_bullet_and_number_labels(label: str) -> None:
    text = f"Exclusion Criteria:\n{label} Pregnancy\n{label} Prior transplant\n"
    assert cut(text) == [("E1", label, "Pregnancy"), ("E2", label, "Prior transplant")]


def test_ids_are_positional_whatever_the_record_numbers() -> None:
    text = "Inclusion Criteria\n2. Adults\n3. Consent\nExclusion Criteria\n7. Pregnancy\n"
    assert cut(text) == [("I1", "2.", "Adults"), ("I2", "3.", "Consent"), ("E1", "7.", "Pregnancy")]


def test_numbers_written_in_the_texts_of_a_bulleted_list_are_labels() -> None:
    text = ("Inclusion Criteria:\n  -  1 Sign an informed consent form;\n  -  2 Aged 18 to 55 years;\n"
            "  -  3 BMI 18-28 kg/m2;\nExclusion Criteria:\n  -  1 Pregnancy;\n  -  2 Smoking;\n")
    assert cut(text)[:3] == [("I1", "1", "Sign an informed consent form;"), ("I2", "2", "Aged 18 to 55 years;"),
                             ("I3", "3", "BMI 18-28 kg/m2;")]
    # not a numbering: two items, or numbers that do not count 1, 2, 3 …
    assert cut(text)[3:] == [("E1", "-", "1 Pregnancy;"), ("E2", "-", "2 Smoking;")]
    text = "Inclusion Criteria:\n  -  18 years or older\n  -  2 prior lines of therapy\n  -  3 Consent\n"
    assert [c[2] for c in cut(text)] == ["18 years or older", "2 prior lines of therapy", "3 Consent"]


def test_continuation_lines_join_with_one_space() -> None:
    text = (
        "Inclusion Criteria:\n\n"
        "  -  Written informed consent signed by the infant's parent(s) or legal\n"
        "     guardian(s)\n\n"
        "  -  Onset less than 18 months before the visit, vision of 5/200\n"
        "or better\n"
    )
    assert cut(text) == [
        (
            "I1",
            "-",
            "Written informed consent signed by the infant's parent(s) or legal guardian(s)",
        ),
        ("I2", "-", "Onset less than 18 months before the visit, vision of 5/200 or better"),
    ]


def test_nested_sub_items_stay_with_their_parent() -> None:
    text = (
        "Inclusion Criteria:\n\n"
        "-  Creatinine based on age as follows:\n\n"
        "     -  ≤ 0.8 mg/dL for patients age 5 and under\n\n"
        "     -  ≤ 1.0 mg/dL for patients 6 to 10\n\n"
        "-  Histologically confirmed cancer\n\n"
        "     -  Stage IIIB, IIIC, or IV\n\n"
        "          -  Surgically staged\n"
        "             and debulked\n\n"
        "-  Not pregnant\n"
    )
    assert cut(text) == [
        (
            "I1",
            "-",
            "Creatinine based on age as follows: ≤ 0.8 mg/dL for patients age 5 and under; "
            "≤ 1.0 mg/dL for patients 6 to 10",
        ),
        (
            "I2",
            "-",
            "Histologically confirmed cancer; Stage IIIB, IIIC, or IV; "
            "Surgically staged and debulked",
        ),
        ("I3", "-", "Not pregnant"),
    ]


def test_enumerated_sub_items_keep_their_labels() -> None:
    text = (
        "Inclusion Criteria:\n"
        "  1. Diagnosis of optic neuropathy:\n"
        "       1. Traumatic neuropathy\n"
        "       2. Ischemic optic neuropathy\n"
        "  2. Age 18 or over\n"
    )
    assert cut(text) == [
        (
            "I1",
            "1.",
            "Diagnosis of optic neuropathy: 1. Traumatic neuropathy; 2. Ischemic optic neuropathy",
        ),
        ("I2", "2.", "Age 18 or over"),
    ]


def test_item_ending_with_colon_owns_unbulleted_paragraphs() -> None:
    # the NCT03917797 shape, on other words
    text = (
        "Inclusion Criteria\n\n"
        "* Adult patients\n"
        "* Meeting the following for active disease:\n\n"
        "Class IV disease on biopsy within 6 months\n\n"
        "Platelets \\> 100000/uL\n\n"
        "Exclusion Criteria\n\n"
        "* Pregnancy\n"
    )
    assert cut(text) == [
        ("I1", "*", "Adult patients"),
        (
            "I2",
            "*",
            r"Meeting the following for active disease: Class IV disease on biopsy within 6 months; "
            r"Platelets \> 100000/uL",
        ),
        ("E1", "*", "Pregnancy"),
    ]


def test_item_ending_with_colon_owns_items_of_another_style() -> None:
    text = "Inclusion Criteria:\n1. Adequate labs:\na. Hb > 9 g/dL\nb. ANC > 1500/uL\n2. Age > 18\n"
    assert cut(text) == [
        ("I1", "1.", "Adequate labs: a. Hb > 9 g/dL; b. ANC > 1500/uL"),
        ("I2", "2.", "Age > 18"),
    ]


def test_same_style_items_after_a_colon_stay_siblings() -> None:
    text = "Exclusion Criteria:\n- Currently meets criteria for:\n- Bipolar disorder\n"
    assert cut(text) == [
        ("E1", "-", "Currently meets criteria for:"),
        ("E2", "-", "Bipolar disorder"),
    ]


@pytest.mark.parametrize(
    "preamble",
    [
        "Only patients with active lupus nephritis who meet all of the following criteria are "
        "eligible for inclusion in this study:",
        "Patients who met any of the following criteria could not be enrolled in this study:",
        "Patients must meet all of the following criteria.",
        "Hematopoietic:",
        "Patients with Major Depressive Disorder (MDD):",
        "Parkinson's Disease",
    ],
)
def test_preambles_and_group_headings_are_not_criteria(preamble: str) -> None:
    text = f"Inclusion Criteria\n\n{preamble}\n\n  • Adults\n  • Consent\n"
    assert cut(text) == [("I1", "•", "Adults"), ("I2", "•", "Consent")]


def test_a_sentence_before_a_list_is_a_criterion() -> None:
    text = (
        "Exclusion Criteria:\n\n"
        "Subjects with chronic medical illness will be excluded from this study.\n\n"
        "  -  Head trauma\n"
    )
    assert cut(text) == [
        ("E1", "", "Subjects with chronic medical illness will be excluded from this study."),
        ("E2", "-", "Head trauma"),
    ]


def test_text_without_headings_is_inclusion_one_per_paragraph() -> None:
    text = (
        "Men and women with uncontrolled intraocular pressure greater than 21 mm Hg in one or both\n"
        "eyes despite maximal tolerated therapy.\n\n"
        "No prior filtering surgery.\n"
    )
    assert cut(text) == [
        (
            "I1",
            "",
            "Men and women with uncontrolled intraocular pressure greater than 21 mm Hg in one "
            "or both eyes despite maximal tolerated therapy.",
        ),
        ("I2", "", "No prior filtering surgery."),
    ]


def test_markdown_escapes_are_kept() -> None:
    text = r"Exclusion Criteria:" "\n" r"* eGFR \<30, ALT \>4 times ULN, 1 x 10\^6 cells \[x\]"
    assert cut(text)[0][2] == r"eGFR \<30, ALT \>4 times ULN, 1 x 10\^6 cells \[x\]"


def test_abbreviations_and_decimals_are_not_labels() -> None:
    text = "Exclusion Criteria:\n• Infection with\n  E. coli or\n  2.5 mg/kg of drug\n• Allergy\n"
    assert cut(text) == [
        ("E1", "•", "Infection with E. coli or 2.5 mg/kg of drug"),
        ("E2", "•", "Allergy"),
    ]


def test_empty_bullets_are_dropped() -> None:
    assert cut("Inclusion Criteria:\n-  Adults\n\nExclusion Criteria:\n\n-\n") == [
        ("I1", "-", "Adults")
    ]


def test_flattened_text() -> None:
    assert cut((FIXTURES / "flattened.txt").read_text(encoding="utf-8")) == [
        ("I1", "*", "Adults aged 18 to 65 years"),
        ("I2", "*", "Signed informed consent"),
        ("I3", "*", r"BMI \< 35 kg/m2"),
        ("E1", "*", "Pregnancy or breastfeeding"),
        ("E2", "*", "Prior organ transplant"),
    ]
    assert cut("Inclusion Criteria: * a. * b. * c. Exclusion Criteria: * d.") == [
        ("I1", "*", "a."),
        ("I2", "*", "b."),
        ("I3", "*", "c."),
        ("E1", "*", "d."),
    ]


def test_flattened_numbered_text_cuts_only_a_counting_run() -> None:
    assert cut((FIXTURES / "flattened_numbered.txt").read_text(encoding="utf-8")) == [
        ("I1", "1.", "Age 18 years or older"),
        ("I2", "2.", "Diagnosis of type 2 diabetes for at least 1. 5 years"),
        ("I3", "3.", "HbA1c 7.0% to 10.0%"),
        ("E1", "1.", "Type 1 diabetes"),
        ("E2", "2.", r"eGFR \< 30 mL/min/1.73 m2"),
    ]


def test_heading_with_text_on_the_same_line() -> None:
    assert cut("Inclusion Criteria: Adults with asthma\nExclusion Criteria: Smokers") == [
        ("I1", "", "Adults with asthma"),
        ("E1", "", "Smokers"),
    ]


def test_headings_preambles_and_nesting_fixture() -> None:
    assert cut((FIXTURES / "headings_and_nesting.txt").read_text(encoding="utf-8")) == [
        (
            "I1",
            "1)",
            "Diagnosis of systemic lupus erythematosus by 2019 EULAR/ACR criteria, with a total "
            "score of at least 10",
        ),
        (
            "I2",
            "2)",
            r"Adequate organ function, defined as: Hemoglobin ≥ 9 g/dL; Platelets ≥ 100 x 10\^9/L",
        ),
        (
            "I3",
            "3)",
            "Receiving stable standard of care for 30 days: Prednisone ≤ 10 mg/day; "
            "Hydroxychloroquine at any dose",
        ),
        ("I4", "4)", "Absolute neutrophil count ≥ 1.5 x 10^9/L"),
        ("E1", "•", "Active central nervous system lupus"),
        ("E2", "•", "Infection with E. coli or 2.5 mg/kg of another agent"),
        ("E3", "•", "Known allergy to any study drug"),
    ]


def test_old_record_with_criteria() -> None:
    trial = read_trial(FIXTURES / "NCT09990003.txt")
    assert trial.model_dump(exclude={"criteria", "source"}) == dict(
        nct_id="NCT09990003",
        title="Fixture Record With Eligibility Criteria",
        phase="Phase 1/Phase 2",
        status="ACTIVE_NOT_RECRUITING",
        enrollment=24,
        conditions=("Lupus Nephritis", "Systemic Lupus Erythematosus"),
        minimum_age="18 Years",
        maximum_age="60 Years",
        sex="female",
        healthy_volunteers=False,
    )
    assert [(c.id, c.text) for c in trial.criteria] == [
        ("I1", "Age 18 to 60 years"),
        ("I2", "Biopsy-proven lupus nephritis"),
        ("E1", "Pregnancy"),
    ]


# --------------------------------------------------------------------------------------------
# Laws
# --------------------------------------------------------------------------------------------

WORD = st.text(
    st.sampled_from("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789≥<>/%"),
    min_size=1,
    max_size=8,
)
ITEM = (
    st.lists(WORD, min_size=1, max_size=8)
    .map(" ".join)
    .filter(lambda t: not re.search(r"(?i)inclusion|exclusion", t))
)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(ITEM, max_size=6),
    st.lists(ITEM, max_size=6),
    st.sampled_from(["*", "-", "•", "1."]),
    st.sampled_from(["\n", "\n\n"]),
)
def test_rendered_lists_split_back_into_their_items(
    inclusion: list[str], exclusion: list[str], bullet: str, gap: str
) -> None:
    def block(items: list[str]) -> str:
        return gap.join(f"{bullet} {item}" for item in items)

    text = (
        f"Inclusion Criteria:{gap}{block(inclusion)}{gap}Exclusion Criteria:{gap}{block(exclusion)}"
    )
    assert [c.text for c in split_criteria(text)] == inclusion + exclusion
    assert [c.id for c in split_criteria(text)] == [
        f"I{i}" for i in range(1, len(inclusion) + 1)
    ] + [f"E{i}" for i in range(1, len(exclusion) + 1)]


PIECES = [*"ab 1.)*-•:\n\t\\>#[]", "Inclusion Criteria", "Exclusion:", "E. "]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=60).map("".join))
def test_any_text_splits_without_error(text: str) -> None:
    criteria = split_criteria(text)
    for kind, prefix in (("inclusion", "I"), ("exclusion", "E")):
        ids = [c.id for c in criteria if c.kind == kind]
        assert ids == [f"{prefix}{i}" for i in range(1, len(ids) + 1)]
    assert all(c.text and c.text == c.text.strip() and "\n" not in c.text for c in criteria)


# --------------------------------------------------------------------------------------------
# The corpus: 130 real records
# --------------------------------------------------------------------------------------------

CORPUS_FILES = sorted(CORPUS.glob("*.json"))


@pytest.mark.skipif(not CORPUS_FILES, reason="corpus not available")
def test_every_corpus_record_ingests() -> None:
    assert len(CORPUS_FILES) == 130
    for path in CORPUS_FILES:
        trial = read_trial(path)
        assert trial.nct_id == path.stem
        assert trial.criteria, path.name  # every record states something
        source = json.loads(path.read_text(encoding="utf-8"))
        words = set(source["protocolSection"]["eligibilityModule"]["eligibilityCriteria"].split())
        for criterion in trial.criteria:
            # verbatim: every word comes from the record (joins may add a ";")
            invented = [
                w for w in criterion.text.split() if w not in words and w.rstrip(";") not in words
            ]
            assert not invented, (path.name, criterion.id, invented)


GROUPED = """Inclusion Criteria:

  -  Body mass index between 18-29 kg/m2

The older subjects must also meet the following eligibility criteria:

  -  Age range:  65 years and older

The younger subjects must also meet the following eligibility criteria:

  -  Age range:  18-29 years

Exclusion Criteria:

  -  Smoker
"""


def test_a_group_heading_inside_a_section_is_kept_with_the_items_under_it():
    criteria = split_criteria(GROUPED)
    assert [(c.id, c.group) for c in criteria] == [
        ("I1", ""),
        ("I2", "The older subjects must also meet the following eligibility criteria:"),
        ("I3", "The younger subjects must also meet the following eligibility criteria:"),
        ("E1", ""),
    ]


def test_one_heading_over_a_whole_list_is_a_preamble_not_a_group():
    text = "Inclusion Criteria:\n\nWomen aged 18-39 who meet the following criteria will be enrolled:\n\n  -  BMI < 30\n  -  Non-smoker\n"
    assert [c.group for c in split_criteria(text)] == ["", ""]


@pytest.mark.parametrize("heading, group", [
    ("Parkinson's Disease exclusion criteria:", "Parkinson's Disease"),
    ("Exclusion criteria for healthy controls:", "healthy controls"),
    ("Exclusion Criteria (Part B):", "Part B"),
    ("Key Exclusion Criteria:", ""),
    ("Additional exclusion criteria:", ""),
    ("Patient Exclusion Criteria:", ""),
    ("Exclusion Criteria:", ""),
])
def test_a_criteria_heading_that_names_a_group_limits_its_list_to_that_group(heading, group):
    text = f"Inclusion Criteria:\n\n  -  Age > 18\n\n{heading}\n\n  -  Dementia\n"
    criteria = split_criteria(text)
    assert [(c.kind, c.group) for c in criteria] == [("inclusion", ""), ("exclusion", group)]
