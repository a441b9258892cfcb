"""The evaluator: three-valued outcomes, evidence and reasons."""

import pytest
from hypothesis import given, settings, strategies as st

from screening.evaluate import EVALUATORS
from screening.logic import Truth
from screening.nodes import NODE_TYPES
from screening.patient import patient_from_mapping
from screening.printer import PRINTERS

from made_up import outcome


def lab(name, value, unit=None, day="2026-11-10", **extra):
    entry = {"name": name, "value": value, "date": day, **extra}
    if unit is not None:
        entry["unit"] = unit
    return entry


def test_every_node_type_has_an_evaluator_and_a_printer():
    assert set(EVALUATORS) == set(NODE_TYPES)
    assert set(PRINTERS) == set(NODE_TYPES)


@pytest.mark.parametrize("value, unit", [(3.0, "mg/dL"), (265.2, "umol/L"), (265.2, "µmol/L"), (30, "mg/L"),
                                         (0.03, "g/L")])
def test_creatinine_at_the_threshold_in_any_unit_meets_it(value, unit):
    result = outcome("creatinine >= 265.2 umol/L", labs=[lab("Scr", value, unit)])
    assert result.truth is Truth.TRUE


CREATININE_UNITS = [("mg/dL", 1.0), ("umol/L", 88.42), ("mg/L", 10.0), ("mmol/L", 0.08842)]


@settings(max_examples=200, deadline=None)
@given(st.floats(0.1, 15.0), st.sampled_from(CREATININE_UNITS), st.sampled_from(CREATININE_UNITS),
       st.sampled_from([">=", "<", ">"]))
def test_the_same_lab_in_equivalent_units_gives_the_same_verdict(mg_dl, written, threshold_unit, op):
    unit, factor = written
    t_unit, t_factor = threshold_unit
    rule = f"creatinine {op} {round(2.0 * t_factor, 6)} {t_unit}"
    base = outcome(rule, labs=[lab("creatinine", mg_dl, "mg/dL")]).truth
    other = outcome(rule, labs=[lab("creatinine", mg_dl * factor / 1.0, unit)]).truth
    if abs(mg_dl - 2.0) > 1e-3:  # away from the boundary, rounding of the factor cannot matter
        assert base == other


def test_cell_counts_per_microlitre_and_per_litre_agree():
    for value, unit in [(2500, "/uL"), (2.5, "10^9/L"), (2.5, "x10^3/uL"), (2500, "/mm3")]:
        assert outcome("wbc < 3000 /uL", labs=[lab("WBC", value, unit)]).truth is Truth.TRUE


def test_missing_lab_is_unknown_with_what_is_missing():
    result = outcome("creatinine >= 265.2 umol/L")
    assert result.truth is Truth.UNKNOWN and result.reason == "missing"
    assert result.missing


def test_a_stale_lab_is_unknown_and_says_how_old_it_is():
    result = outcome("creatinine >= 265.2 umol/L within 4 weeks before screening",
                     labs=[lab("creatinine", 4.0, "mg/dL", day="2026-06-01")])
    assert result.truth is Truth.UNKNOWN and result.reason == "stale"
    assert "months old" in result.message


def test_the_most_recent_value_inside_the_window_is_used():
    labs = [lab("creatinine", 4.0, "mg/dL", day="2026-10-01"), lab("creatinine", 1.0, "mg/dL", day="2026-11-15")]
    assert outcome("creatinine >= 265.2 umol/L", labs=labs).truth is Truth.FALSE


def test_multiple_of_normal_needs_the_labs_own_reference_range():
    assert outcome("alt > 1.5 x ULN", labs=[lab("ALT", 80, "U/L")]).reason == "no_reference_range"
    assert outcome("alt > 1.5 x ULN", labs=[lab("ALT", 80, "U/L", ref_high=40)]).truth is Truth.TRUE
    assert outcome("alt > 1.5 x ULN", labs=[lab("ALT", 50, "U/L", ref_high=40)]).truth is Truth.FALSE


def test_titres_compare_as_dilutions():
    assert outcome("ana >= 1:80", labs=[lab("ANA", "1:320")]).truth is Truth.TRUE
    assert outcome("ana >= 1:80", labs=[lab("ANA", "1:40")]).truth is Truth.FALSE
    assert outcome("ana >= 1:80", labs=[lab("ANA", "negative")]).truth is Truth.FALSE
    assert outcome("anti_dsdna in {positive}", labs=[lab("anti-dsDNA", "positive")]).truth is Truth.TRUE


def test_an_implausible_threshold_is_never_compared():
    result = outcome("wbc < 2 /mm3", labs=[lab("WBC", 1.5, "10^9/L")])
    assert result.truth is Truth.UNKNOWN and result.reason == "implausible_threshold"


def test_absence_is_false_only_in_a_complete_list():
    assert outcome("condition malignancy").truth is Truth.UNKNOWN
    assert outcome("condition malignancy", complete=["conditions"]).truth is Truth.FALSE
    assert outcome("condition malignancy", conditions=[{"name": "melanoma"}]).truth is Truth.TRUE


def test_classes_and_exceptions():
    rule = "condition autoimmune_disease except (sle, sjogrens_syndrome [secondary])"
    assert outcome(rule, conditions=[{"name": "rheumatoid arthritis"}]).truth is Truth.TRUE
    assert outcome(rule, conditions=[{"name": "SLE"}, {"name": "lupus nephritis"}],
                   complete=["conditions"]).truth is Truth.FALSE
    secondary = [{"name": "Sjogren's syndrome", "note": "secondary"}]
    assert outcome(rule, conditions=secondary, complete=["conditions"]).truth is Truth.FALSE
    assert outcome(rule, conditions=[{"name": "Sjogren's syndrome"}]).truth is Truth.UNKNOWN


def test_type_1_and_type_2_diabetes_are_different():
    assert outcome("condition type_1_diabetes", conditions=[{"name": "type 2 diabetes"}],
                   complete=["conditions"]).truth is Truth.FALSE


def test_medication_classes_and_windows():
    meds = [{"name": "rituximab", "start": "2026-08-01", "end": "2026-08-15"}]
    assert outcome("medication b_cell_depleting_therapy within 24 weeks before screening",
                   medications=meds).truth is Truth.TRUE
    assert outcome("medication b_cell_depleting_therapy within 4 weeks before screening",
                   medications=meds, complete=["medications"]).truth is Truth.FALSE


def test_weight_based_prednisone_equivalent_dose():
    rule = "medication prednisone [equivalent] dose > 0.5 mg/kg/day within 1 months before baseline"
    vitals = [{"name": "weight", "value": 60, "unit": "kg", "date": "2026-11-01"}]
    high = [{"name": "methylprednisolone", "dose": "32 mg/day", "start": "2026-11-01"}]  # 40 mg prednisone
    low = [{"name": "prednisone", "dose": "10 mg/day", "start": "2026-11-01"}]
    assert outcome(rule, medications=high, vitals=vitals).truth is Truth.TRUE
    assert outcome(rule, medications=low, vitals=vitals, complete=["medications"]).truth is Truth.FALSE
    assert outcome(rule, medications=high).truth is Truth.UNKNOWN  # no weight


def test_requirements_for_women_do_not_apply_to_men():
    rule = "if (female and childbearing_potential) then contraception"
    result = outcome(rule, sex="male")
    assert result.truth is Truth.TRUE and result.reason == "not_applicable"
    assert outcome(rule, sex="female", childbearing_potential=True, contraception=False).truth is Truth.FALSE
    assert outcome(rule, sex="female", childbearing_potential=True).truth is Truth.UNKNOWN


def test_age_is_in_completed_years():
    assert outcome("age <= 60 years", birth_date="1966-11-21").truth is Truth.TRUE   # 59, birthday tomorrow
    assert outcome("age <= 60 years", birth_date="1965-11-20").truth is Truth.FALSE  # 61 today
    assert outcome("age >= 18 years", birth_date="2008-11-20").truth is Truth.TRUE   # 18 today
    # older than 18: an 18-year-old is, from the day after the birthday
    assert outcome("age > 18 years", birth_date="2008-05-20").truth is Truth.TRUE
    assert outcome("age > 18 years", birth_date="2008-11-20").truth is Truth.FALSE  # 18 today
    assert outcome("age > 18 years", age=18).truth is Truth.UNKNOWN
    assert outcome("age > 18 years", age=17).truth is Truth.FALSE


def test_free_text_and_judgement_are_unknown_with_their_reason():
    assert outcome('text "Pending surgical indication"').reason == "free_text"
    assert outcome('judgement "in the opinion of the investigator"').reason == "judgement"


def test_false_and_unknown_is_false_whichever_way_round():
    a = outcome("creatinine > 1 mg/dL and pregnant", labs=[lab("creatinine", 0.5, "mg/dL")])
    b = outcome("pregnant and creatinine > 1 mg/dL", labs=[lab("creatinine", 0.5, "mg/dL")])
    assert a.truth is b.truth is Truth.FALSE


def test_an_allergy_is_one_kind_of_intolerance_told_apart_by_the_note():
    def aspirin(**entry):
        return [{"name": "aspirin", "start": "2020-01-01", "end": "2020-02-01", **entry}]
    rule = "medication aspirin [allergic]"
    assert outcome(rule, medications=aspirin(outcome="intolerant", note="urticaria")).truth is Truth.TRUE
    assert outcome(rule, medications=aspirin(outcome="intolerant", note="gastric upset")).truth is Truth.UNKNOWN
    assert outcome(rule, medications=aspirin(outcome="responded"), complete=["medications"]).truth is Truth.FALSE
    assert outcome("medication aspirin [intolerant]",
                   medications=aspirin(outcome="intolerant", note="gastric upset")).truth is Truth.TRUE


def test_therapeutic_anticoagulation_is_told_from_prophylaxis_by_the_note():
    def heparin(note=None):
        return [{"name": "enoxaparin", "start": "2026-11-01", **({"note": note} if note else {})}]
    rule = "medication anticoagulant [current, therapeutic]"
    assert outcome(rule, medications=heparin("prophylaxis after surgery"), complete=["medications"]).truth is Truth.FALSE
    assert outcome(rule, medications=heparin("therapeutic dose for DVT")).truth is Truth.TRUE
    assert outcome(rule, medications=heparin()).truth is Truth.UNKNOWN


@pytest.mark.parametrize("note, truth", [
    ("metastatic to liver", Truth.TRUE), ("stage IV", Truth.TRUE), ("locally advanced, unresectable", Truth.TRUE),
    ("resected stage I", Truth.UNKNOWN), (None, Truth.UNKNOWN), ("not advanced", Truth.UNKNOWN),
])
def test_an_advanced_cancer_is_told_by_its_note_never_by_a_severity(note, truth):
    cancer = {"name": "non-small cell lung cancer", "onset": "2025-03-01", **({"note": note} if note else {})}
    assert outcome("condition nsclc [advanced]", conditions=[cancer]).truth is truth


@pytest.mark.parametrize("rule, recorded", [
    ("hav_igm in {positive}", "anti-HAV IgG"),  # a vaccinated patient has no acute hepatitis A
    ("nontreponemal_test in {positive}", "TPHA"),  # treated syphilis keeps its treponemal antibodies
    ("c_difficile_test in {positive}", "stool culture"),
    ("afb_smear in {positive}", "sputum culture"),  # Pseudomonas in cystic fibrosis is not tuberculosis
    ("h_pylori_breath_test in {positive}", "H. pylori serology"),  # antibodies outlast eradication
])
def test_a_positive_test_is_not_a_positive_result_of_another_test(rule, recorded):
    result = {"name": recorded, "value": "positive", "date": "2026-11-01"}
    assert outcome(rule, labs=[result]).truth is Truth.UNKNOWN


def test_a_result_of_a_named_test_counts_for_the_test_family():
    rpr = {"name": "RPR", "value": "positive", "date": "2026-11-01"}
    assert outcome("syphilis_serology in {positive}", labs=[rpr]).truth is Truth.TRUE


def test_male_or_non_pregnant_female_passes_any_man_and_asks_a_woman():
    rule = "not pregnant and not breastfeeding"
    assert outcome(rule, sex="male").truth is Truth.TRUE
    assert outcome(rule, sex="female").truth is Truth.UNKNOWN
    assert outcome(rule, sex="female", pregnant=False, breastfeeding=True).truth is Truth.FALSE


def test_every_seed_and_corpus_rule_evaluates_for_an_empty_and_a_full_profile():
    from pathlib import Path

    from screening import compile_trial, screen
    from screening.ingest import read_trial
    from screening.nodes import Comparison, Status, children, walk

    root = Path(__file__).resolve().parents[1]
    full = patient_from_mapping({
        "id": "FULL", "as_of": "2026-11-20", "birth_date": "1980-01-01", "sex": "female", "pregnant": False,
        "complete": ["conditions", "medications", "procedures"],
        "conditions": [{"name": "SLE", "onset": "2010-01-01"}, {"name": "herpes zoster", "onset": "2026-10-01"}],
        "labs": [lab("creatinine", 1.0, "mg/dL"), lab("ALT", 30, "U/L", ref_high=40), lab("ANA", "1:320")],
        "medications": [{"name": "rituximab", "start": "2026-09-01"}],
        "procedures": [{"name": "renal biopsy", "date": "2026-10-01", "findings": {"isn_rps_class": "IV"}}],
        "vaccinations": [{"name": "yellow fever vaccine", "date": "2026-10-01"}],
    })
    empty = patient_from_mapping({"id": "EMPTY", "as_of": "2026-11-20"})
    healthy = patient_from_mapping({
        "id": "HEALTHY", "as_of": "2026-11-20", "age": 45, "sex": "female", "pregnant": False, "breastfeeding": False,
        "childbearing_potential": True, "contraception": True, "consent": True,
        "complete": ["conditions", "medications", "procedures", "vaccinations"]})
    paths = sorted((root / "examples" / "trials").glob("*.txt")) + sorted((root.parent / "shared" / "corpus").glob("*.json"))
    for path in paths:
        compiled = compile_trial(read_trial(path))
        for patient in (empty, full):
            report = screen(compiled, patient)
            assert len(report.criteria) >= len(compiled.trial.criteria)
        # the cardinal rule: no data, no failure
        assert all(c.verdict != "fail" for c in screen(compiled, empty).criteria if c.kind != "registry"), path.name
        # a healthy adult is excluded only by what the record says of age or sex
        failed = [c.id for c in screen(compiled, healthy).criteria if c.kind == "exclusion" and c.verdict == "fail"
                  and not by_age_or_sex(compiled.rules[c.id])]
        assert failed == [], (path.name, failed)


def by_age_or_sex(rule) -> bool:
    """Whether only what a rule says of age or sex can exclude the healthy adult: every leaf is
    one, or (in "patients 59 and younger, and patients with …") each other group excludes no one."""
    from datetime import date

    from screening.evaluate import Context, evaluate
    from screening.nodes import AnyOf, Comparison, Status, children, walk

    def only_age_or_sex(node) -> bool:
        return all(isinstance(n, Comparison) and n.concept == "age" or isinstance(n, Status)
                   and n.field in ("female", "male") for n in walk(node) if not children(n))

    if only_age_or_sex(rule):
        return True
    healthy = patient_from_mapping({
        "id": "HEALTHY", "as_of": "2026-11-20", "age": 45, "sex": "female", "pregnant": False, "breastfeeding": False,
        "childbearing_potential": True, "contraception": True, "consent": True,
        "complete": ["conditions", "medications", "procedures", "vaccinations"]})
    context = Context(patient=healthy, as_of=date(2026, 11, 20), criterion_kind="exclusion")
    return isinstance(rule, AnyOf) and any(only_age_or_sex(i) for i in rule.items) and all(
        evaluate(i, context).truth is not Truth.TRUE for i in rule.items if not only_age_or_sex(i))


def test_an_egfr_per_square_metre_is_decided_only_where_both_readings_agree():
    rule = "egfr < 40 mL/min/m2"
    assert outcome(rule, labs=[lab("eGFR", 96, "mL/min/1.73m2")]).truth is Truth.FALSE
    assert outcome(rule, labs=[lab("eGFR", 20, "mL/min/1.73m2")]).truth is Truth.TRUE
    between = outcome(rule, labs=[lab("eGFR", 55, "mL/min/1.73m2")])  # < 69.2 literally, not < 40
    assert between.truth is Truth.UNKNOWN and between.reason == "implausible_threshold"


def test_a_condition_recorded_only_by_its_broader_name_is_unknown_not_absent():
    result = outcome("condition type_1_diabetes", conditions=[{"name": "diabetes mellitus"}], complete=["conditions"])
    assert result.truth is Truth.UNKNOWN and result.reason == "ambiguous"


def test_a_general_head_matches_any_illness_as_narrowed():
    rule = "condition medical_condition [uncontrolled]"
    done = {"complete": ["conditions"]}
    assert outcome(rule, conditions=[{"name": "hypertension", "controlled": False}]).truth is Truth.TRUE
    assert outcome(rule, conditions=[{"name": "hypertension", "controlled": True}], **done).truth is Truth.FALSE
    assert outcome(rule, conditions=[{"name": "hypertension"}], **done).truth is Truth.UNKNOWN
    assert outcome(rule, conditions=[], **done).truth is Truth.FALSE
    assert outcome(rule, conditions=[]).truth is Truth.UNKNOWN  # an open list may lack one


def test_recent_is_what_goes_on_now_and_an_older_episode_may_be_recent():
    rule = "condition upper_respiratory_tract_infection [recent]"
    assert outcome(rule, conditions=[{"name": "URTI", "onset": "2026-11-01"}]).truth is Truth.TRUE
    ended = [{"name": "URTI", "onset": "2026-10-01", "end": "2026-10-20"}]
    assert outcome(rule, conditions=ended).truth is Truth.UNKNOWN
    assert outcome(rule, conditions=[], complete=["conditions"]).truth is Truth.FALSE
    surgery = "procedure surgery [recent]"
    assert outcome(surgery, procedures=[{"name": "surgery", "date": "2026-11-12"}]).truth is Truth.TRUE
    assert outcome(surgery, procedures=[{"name": "surgery", "date": "2026-06-12"}]).truth is Truth.UNKNOWN


@pytest.mark.parametrize("ended, longer, shorter", [
    ("2026-11-10", Truth.TRUE, Truth.UNKNOWN),    # inside 30 days: inside the longer window
    ("2026-09-01", Truth.UNKNOWN, Truth.FALSE),   # outside 30 days: outside the shorter one
    (None, Truth.TRUE, Truth.TRUE),               # still taking it
])
def test_a_window_in_half_lives_decides_only_what_the_days_settle(ended, longer, shorter):
    entry = {"name": "investigational agent", "start": "2026-08-01", **({"end": ended} if ended else {})}
    for bound, expected in (("max", longer), ("min", shorter)):
        rule = f"medication investigational_agent within {bound}(30 days, 5 half-lives) before screening"
        assert outcome(rule, medications=[entry], complete=["medications"]).truth is expected, bound


def test_lines_of_treatment_count_distinct_lines_and_a_course_without_one_is_at_least_one():
    first = {"name": "carboplatin", "start": "2025-01-01", "end": "2025-04-01", "therapy_line": 1}
    second = {"name": "docetaxel", "start": "2025-06-01", "end": "2025-09-01", "therapy_line": 2}
    same_line = {"name": "paclitaxel", "start": "2025-01-01", "end": "2025-04-01", "therapy_line": 1}
    unnumbered = {"name": "gemcitabine", "start": "2026-01-01", "end": "2026-03-01"}
    done = {"complete": ["medications"]}
    rule = "lines of chemotherapy <= 2"
    assert outcome(rule, medications=[first, second, same_line], **done).truth is Truth.TRUE
    assert outcome(rule, medications=[first, second, unnumbered], **done).truth is Truth.UNKNOWN
    assert outcome("lines of chemotherapy >= 2", medications=[first, second]).truth is Truth.TRUE
    assert outcome(rule, medications=[first, second]).truth is Truth.UNKNOWN  # more may be unrecorded
    assert outcome("lines of chemotherapy >= 1", medications=[unnumbered]).truth is Truth.TRUE
    assert outcome("lines of chemotherapy > 2", medications=[], **done).truth is Truth.FALSE


def test_a_diagnosis_within_a_window_is_one_whose_onset_lies_in_it():
    rule = "condition type_2_diabetes [new] within 24 months before screening"
    assert outcome(rule, conditions=[{"name": "T2D", "onset": "2015-03-01"}], complete=["conditions"]).truth \
        is Truth.FALSE
    assert outcome(rule, conditions=[{"name": "T2D", "onset": "2026-01-10"}]).truth is Truth.TRUE
    assert outcome(rule, conditions=[{"name": "T2D"}]).truth is Truth.UNKNOWN


def test_whoever_has_signed_consent_was_able_to():
    assert outcome("attribute able_to_consent", consent=True).truth is Truth.TRUE
    assert outcome("attribute able_to_consent", consent=False).truth is Truth.UNKNOWN  # not yet signed
    assert outcome("attribute able_to_consent", attributes={"capacity to consent": False}).truth is Truth.FALSE


def test_a_stable_dose_is_a_course_going_on_whose_note_says_so():
    rule = "medication metformin [stable] lasting >= 8 weeks"
    stable = {"name": "metformin", "start": "2026-01-01", "note": "stable dose"}
    assert outcome(rule, medications=[stable]).truth is Truth.TRUE
    assert outcome(rule, medications=[{"name": "metformin", "start": "2026-01-01"}]).truth is Truth.UNKNOWN
    done = {"complete": ["medications"]}
    ended = {"name": "metformin", "start": "2026-01-01", "end": "2026-06-01", "note": "stable dose"}
    assert outcome(rule, medications=[ended], **done).truth is Truth.FALSE
    started = {"name": "metformin", "start": "2026-11-01", "note": "stable dose"}
    assert outcome(rule, medications=[started], **done).truth is Truth.FALSE  # not yet 8 weeks


def test_a_long_past_procedure_is_not_concurrent_and_a_recent_one_may_be():
    old = [{"name": "radiotherapy", "date": "2024-01-10"}]
    recent = [{"name": "radiotherapy", "date": "2026-11-01"}]
    assert outcome("procedure radiotherapy [current]", procedures=old, complete=["procedures"]).truth is Truth.FALSE
    assert outcome("procedure radiotherapy [current]", procedures=recent).truth is Truth.UNKNOWN


def test_a_condition_or_drug_that_ended_long_ago_is_unknown_against_a_bare_mention():
    ended = [{"name": "panic disorder", "onset": "2010-01-01", "end": "2016-01-01"}]
    assert outcome("condition panic_disorder", conditions=ended).truth is Truth.UNKNOWN
    assert outcome("condition panic_disorder [history]", conditions=ended).truth is Truth.TRUE
    assert outcome("condition panic_disorder [current]", conditions=ended,
                   complete=["conditions"]).truth is Truth.FALSE
    stopped = [{"name": "warfarin", "start": "2015-01-01", "end": "2019-01-01"}]
    assert outcome("medication anticoagulant", medications=stopped).truth is Truth.UNKNOWN


def test_categories_match_whatever_the_spelling_of_the_class():
    assert outcome("nyha_class in {III, IV}", scores=[{"name": "NYHA class", "value": 3, "date": "2026-11-10"}]
                   ).truth is Truth.TRUE
    assert outcome("ecog in {0, 1}", scores=[{"name": "ECOG", "value": 1, "date": "2026-11-10"}]).truth is Truth.TRUE
    assert outcome("ecog in {0, 1}", scores=[{"name": "ECOG", "value": 2, "date": "2026-11-10"}]).truth is Truth.FALSE


def test_impaired_organ_function_is_narrower_than_any_disease_of_the_organ():
    # "Hepatic impairment" as an exclusion: a hepatitis B carrier is not excluded by it, a patient
    # in liver failure is, and one recorded only as "liver disease" may or may not be
    carrier = dict(conditions=[{"name": "hepatitis B"}], complete=["conditions"])
    assert outcome("condition hepatic_impairment", **carrier).truth is Truth.FALSE
    assert outcome("condition hepatic_impairment", conditions=[{"name": "liver failure"}]).truth is Truth.TRUE
    assert outcome("condition hepatic_impairment", conditions=[{"name": "liver disease"}],
                   complete=["conditions"]).truth is Truth.UNKNOWN
    assert outcome("condition renal_impairment", conditions=[{"name": "renal failure"}]).truth is Truth.TRUE


def test_a_state_problem_lists_seldom_name_is_not_ruled_out_by_a_complete_list():
    # "Women must be postmenopausal or surgically sterile": a 62-year-old's complete problem list
    # that does not name menopause does not say she is premenopausal
    rule = "if female then (condition menopause or procedure surgical_sterilization)"
    profile = dict(sex="female", age=62, conditions=[{"name": "hypertension"}], procedures=[],
                   complete=["conditions", "procedures"])
    assert outcome(rule, **profile).truth is Truth.UNKNOWN
    assert outcome("condition hypertension", **profile).truth is Truth.TRUE
    assert outcome("condition asthma", **profile).truth is Truth.FALSE  # a diagnosis: the complete list says no


# --- patient attributes ------------------------------------------------------------------------


@pytest.mark.parametrize("profile, truth", [
    ({"sex": "female"}, Truth.TRUE),  # asked of men only
    ({"sex": "male"}, Truth.UNKNOWN),  # whether his partner could conceive is not recorded
    ({"sex": "male", "contraception": True}, Truth.TRUE),
    ({"sex": "male", "attributes": {"has a female partner of childbearing potential": False}}, Truth.TRUE),
    ({"sex": "male", "contraception": False,
      "attributes": {"has a female partner of childbearing potential": True}}, Truth.FALSE),
])
def test_contraception_asked_of_men_whose_partner_could_conceive(profile, truth):
    rule = "if (male and attribute partner_childbearing_potential) then contraception"
    assert outcome(rule, **profile).truth is truth



@pytest.mark.parametrize("recorded, truth", [(True, Truth.TRUE), (False, Truth.FALSE)])
def test_an_attribute_is_read_by_any_of_its_names(recorded, truth):
    for key in ("swallows_oral_medication", "able to swallow oral medication", "swallow tablets"):
        result = outcome("attribute swallows_oral_medication", attributes={key: recorded})
        assert result.truth is truth
        assert result.evidence[0].source == f"attributes.{key}"


def test_an_attribute_not_recorded_is_unknown_and_asked_for():
    result = outcome("not attribute speaks_english", attributes={"right-handed": True})
    assert result.truth is Truth.UNKNOWN
    assert "speaks English" in result.missing


# --- how long a condition or a treatment has lasted ----------------------------------------------


@pytest.mark.parametrize("onset, truth", [("2026-01-01", Truth.TRUE), ("2026-06-01", Truth.FALSE), (None, Truth.UNKNOWN)])
def test_a_condition_lasting_at_least_six_months(onset, truth):
    entry = {"name": "immune thrombocytopenia", **({"onset": onset} if onset else {})}
    result = outcome("condition immune_thrombocytopenia lasting >= 6 months", conditions=[entry],
                     complete=["conditions"])
    assert result.truth is truth


def test_a_treatment_that_ended_lasted_from_start_to_end():
    meds = [{"name": "linezolid", "start": "2025-01-01", "end": "2025-01-20"}]
    rule = "medication linezolid [history] lasting > 4 weeks"
    assert outcome(rule, medications=meds, complete=["medications"]).truth is Truth.FALSE
    assert outcome(rule, medications=meds).truth is Truth.UNKNOWN  # another course may be missing
    meds = [{"name": "linezolid", "start": "2025-01-01", "end": "2025-03-20"}]
    assert outcome("medication linezolid [history] lasting > 4 weeks", medications=meds).truth is Truth.TRUE


def test_a_dose_change_does_not_break_the_course():
    # two entries that follow on from each other are one course of metformin since January
    meds = [{"name": "metformin", "dose": "500 mg/day", "start": "2026-01-10", "end": "2026-09-30"},
            {"name": "metformin", "dose": "1000 mg/day", "start": "2026-10-01"}]
    assert outcome("medication metformin [current] lasting >= 3 months", medications=meds).truth is Truth.TRUE
    # a gap starts a new course
    meds[1]["start"] = "2026-11-01"
    assert outcome("medication metformin [current] lasting >= 3 months", medications=meds,
                   complete=["medications"]).truth is Truth.FALSE


@pytest.mark.parametrize("note, truth", [("adjuvant", Truth.TRUE), (None, Truth.UNKNOWN)])
def test_a_treatment_setting_is_known_only_from_the_entry_note(note, truth):
    entry = {"name": "chemotherapy", "start": "2024-01-01", "end": "2024-06-01", **({"note": note} if note else {})}
    assert outcome("medication chemotherapy [history, adjuvant]", medications=[entry]).truth is truth
    assert outcome("medication chemotherapy [history, adjuvant]", medications=[],
                   complete=["medications"]).truth is Truth.FALSE


def test_a_bare_procedure_long_past_may_be_over():
    # "on dialysis", "orthodontic appliances" with no time word: an old one is not proof
    procs = [{"name": "hemodialysis", "date": "2010-05-01"}]
    assert outcome("procedure hemodialysis", procedures=procs).truth is Truth.UNKNOWN
    assert outcome("procedure hemodialysis [history]", procedures=procs).truth is Truth.TRUE
    recent = [{"name": "hemodialysis", "date": "2026-11-15"}]
    assert outcome("procedure hemodialysis", procedures=recent).truth is Truth.TRUE


def test_a_planned_procedure_is_not_yet_a_history_and_a_plan_counts_inside_its_window_only():
    surgery = {"name": "major surgery", "planned": True}
    done = "procedure major_surgery [history]"
    assert outcome(done, procedures=[surgery], complete=["procedures"]).truth is Truth.FALSE
    assert outcome(done, procedures=[{**surgery, "date": "2026-11-01"}]).truth is Truth.UNKNOWN  # its day passed
    planned = "procedure major_surgery [planned] within 4 weeks after randomization"
    assert outcome(planned, procedures=[{**surgery, "date": "2026-12-01"}]).truth is Truth.TRUE
    # months away, or undated: perhaps inside the window counted from the real randomization
    assert outcome(planned, procedures=[{**surgery, "date": "2027-06-01"}]).truth is Truth.UNKNOWN
    assert outcome(planned, procedures=[surgery]).truth is Truth.UNKNOWN
    assert outcome("procedure major_surgery [planned]", procedures=[surgery]).truth is Truth.TRUE


def test_an_acute_event_recorded_without_an_end_is_dated_by_its_onset():
    mi = {"name": "myocardial infarction", "onset": "2012-03-01"}
    # not "going on since 2012": outside the window, and not surely current
    assert outcome("condition myocardial_infarction within 6 months before screening", conditions=[mi],
                   complete=["conditions"]).truth is Truth.FALSE
    assert outcome("condition myocardial_infarction [current]", conditions=[mi]).truth is Truth.UNKNOWN
    assert outcome("condition myocardial_infarction [history]", conditions=[mi]).truth is Truth.TRUE
    assert outcome("condition myocardial_infarction [recent]", conditions=[mi]).truth is Truth.UNKNOWN
    recent = {"name": "myocardial infarction", "onset": "2026-10-01"}
    assert outcome("condition myocardial_infarction within 6 months before screening",
                   conditions=[recent]).truth is Truth.TRUE
    # a chronic condition with no end is still ongoing
    diabetes = {"name": "type 2 diabetes", "onset": "2012-03-01"}
    assert outcome("condition type_2_diabetes within 6 months before screening", conditions=[diabetes]).truth \
        is Truth.TRUE


def test_a_record_broader_than_an_exception_may_be_the_one_excepted():
    rule = "condition malignancy [history] except (basal_cell_carcinoma)"
    assert outcome(rule, conditions=[{"name": "skin cancer", "onset": "2018-01-01", "end": "2018-03-01"}]).truth \
        is Truth.UNKNOWN
    assert outcome(rule, conditions=[{"name": "basal cell carcinoma", "onset": "2018-01-01"}],
                   complete=["conditions"]).truth is Truth.FALSE
    assert outcome(rule, conditions=[{"name": "melanoma", "onset": "2018-01-01"}]).truth is Truth.TRUE


def test_a_drug_with_other_uses_counts_as_anticancer_therapy_only_when_given_for_cancer():
    lupus = {"name": "cyclophosphamide", "start": "2020-01-01", "end": "2020-06-01"}
    assert outcome("medication chemotherapy [history]", medications=[lupus]).truth is Truth.UNKNOWN
    assert outcome("medication chemotherapy [history]",
                   medications=[{**lupus, "note": "for breast cancer, adjuvant"}]).truth is Truth.TRUE
    # named as itself, or as a class it belongs to whatever it is given for, it counts
    assert outcome("medication cyclophosphamide [history]", medications=[lupus]).truth is Truth.TRUE
    assert outcome("medication immunosuppressant [history]", medications=[lupus]).truth is Truth.TRUE
    # a drug only given for cancer is anticancer therapy
    assert outcome("medication chemotherapy [history]",
                   medications=[{"name": "carboplatin", "start": "2020-01-01", "end": "2020-06-01"}]).truth \
        is Truth.TRUE


def test_any_medication_in_a_wash_out_is_every_drug_but_the_exceptions():
    rule = "medication any_medication except (acetaminophen) within 14 days before screening"
    assert outcome(rule, medications=[{"name": "ibuprofen", "start": "2026-11-15"}]).truth is Truth.TRUE
    assert outcome(rule, medications=[{"name": "paracetamol", "start": "2026-11-15"}],
                   complete=["medications"]).truth is Truth.FALSE
    assert outcome(rule, medications=[{"name": "ibuprofen", "start": "2026-01-01", "end": "2026-02-01"}],
                   complete=["medications"]).truth is Truth.FALSE


def test_an_age_limit_under_a_year_is_counted_in_days_from_the_birth_date():
    # AS_OF is 2026-11-20
    assert outcome("age <= 48 hours", birth_date="2026-11-16").truth is Truth.FALSE  # at least 4 days old
    assert outcome("age <= 48 hours", birth_date="2026-11-19").truth is Truth.TRUE   # 24-48 hours
    assert outcome("age <= 48 hours", birth_date="2026-11-18").truth is Truth.UNKNOWN  # 48-72 hours: the hour decides
    assert outcome("age >= 6 weeks", birth_date="2026-08-20").truth is Truth.TRUE
    assert outcome("age >= 6 weeks", birth_date="2026-11-01").truth is Truth.FALSE
    assert outcome("age < 6 months", age=0).truth is Truth.UNKNOWN  # somewhere in its first year
    assert outcome("age < 6 months", age=2).truth is Truth.FALSE


def test_a_condition_in_remission_or_cured_is_not_active():
    rule = "condition hepatitis_c [active]"
    assert outcome(rule, conditions=[{"name": "hepatitis C", "onset": "2015-01-01", "note": "cured (SVR12)"}],
                   complete=["conditions"]).truth is Truth.FALSE
    assert outcome(rule, conditions=[{"name": "hepatitis C", "onset": "2015-01-01",
                                      "note": "partial remission"}]).truth is Truth.UNKNOWN
    assert outcome(rule, conditions=[{"name": "hepatitis C", "onset": "2015-01-01"}]).truth is Truth.TRUE


def test_an_acute_infection_long_past_is_not_going_on():
    uri = {"name": "upper respiratory tract infection", "onset": "2024-02-01"}
    assert outcome("condition upper_respiratory_tract_infection [recent]", conditions=[uri]).truth is Truth.UNKNOWN
    assert outcome("condition pneumonia within 3 months before screening",
                   conditions=[{"name": "pneumonia", "onset": "2022-05-01"}], complete=["conditions"]).truth \
        is Truth.FALSE


def test_a_drug_given_around_cancer_but_not_against_it_is_not_surely_anticancer_therapy():
    megestrol = {"name": "megestrol", "start": "2025-01-01", "note": "appetite stimulant for cancer-related anorexia"}
    assert outcome("medication hormonal_cancer_therapy [history]", medications=[megestrol]).truth is Truth.UNKNOWN
    cream = {"name": "fluorouracil", "start": "2025-01-01", "route": "topical", "note": "5% cream for actinic keratosis"}
    assert outcome("medication chemotherapy [history]", medications=[cream]).truth is Truth.UNKNOWN


def test_a_latent_infection_is_not_active():
    latent = {"name": "latent tuberculosis", "onset": "2020-01-01"}
    assert outcome("condition infection [active]", conditions=[latent], complete=["conditions"]).truth is Truth.FALSE
    assert outcome("condition latent_tuberculosis [current]", conditions=[latent]).truth is Truth.TRUE


def test_an_upper_age_limit_in_months_or_weeks_counts_completed_units():
    # AS_OF 2026-11-20: born 2024-11-09 is 24 months and 11 days old
    assert outcome("age <= 24 months", birth_date="2024-11-09").truth is Truth.TRUE
    assert outcome("age <= 24 months", birth_date="2024-09-01").truth is Truth.FALSE  # 26 months
    assert outcome("age <= 16 weeks", birth_date="2026-07-28").truth is Truth.TRUE   # 16 weeks 3 days
    # a part of a year: counted from the birth date, unknown from whole years alone
    assert outcome("age >= 17.5 years", birth_date="2009-02-20").truth is Truth.TRUE  # 17 years 9 months
    assert outcome("age >= 17.5 years", age=17).truth is Truth.UNKNOWN


def test_an_exception_by_route_is_settled_by_the_entry_route():
    rule = "medication corticosteroid except (topical_corticosteroid, inhaled_corticosteroid) within 4 weeks before screening"
    cream = {"name": "hydrocortisone", "start": "2026-11-01", "route": "topical"}
    assert outcome(rule, medications=[cream], complete=["medications"]).truth is Truth.FALSE
    assert outcome(rule, medications=[{**cream, "route": "oral"}]).truth is Truth.TRUE
    assert outcome(rule, medications=[{"name": "hydrocortisone", "start": "2026-11-01"}]).truth is Truth.UNKNOWN
