"""Treatment history in words, round 2: a time since the last treatment, a need for treatment said
after a list of conditions, a window "before or during the study". Criterion text → canonical
rule, the near misses that must stay free text, and the patients a reading could fail wrongly."""

from datetime import date

import pytest

from screening.compile import compile_criterion
from screening.evaluate import Context, evaluate
from screening.logic import Truth
from screening.nodes import FreeText
from screening.patient import patient_from_mapping
from screening.printer import to_text
from screening.rules import parse_rule

AS_OF = date(2026, 11, 20)


@pytest.mark.parametrize("text, kind, rule", [
    # "since (the) last X" is "since prior X": a wash-out
    ("At least 2 weeks since last radiotherapy", "inclusion",
     "not procedure radiotherapy within 2 weeks before screening"),
    ("At least 4 weeks since the last chemotherapy", "inclusion",
     "not medication chemotherapy within 4 weeks before screening"),
    ("Last chemotherapy less than 4 weeks prior to randomization", "exclusion",
     "medication chemotherapy within 4 weeks before randomization"),
    # a need for treatment said after a list of conditions: each one's, in an exclusion
    ("Autonomic or peripheral neuropathy that requires treatment", "exclusion",
     "condition autonomic_neuropathy [requiring_treatment] or condition peripheral_neuropathy [requiring_treatment]"),
    ("Hypertension, diabetes or heart failure requiring active treatment", "exclusion",
     "condition hypertension [requiring_treatment] or condition diabetes_mellitus [requiring_treatment]"
     " or condition heart_failure [requiring_treatment]"),
    ("Pregnancy; hypertension requiring treatment", "exclusion",
     "pregnant or condition hypertension [requiring_treatment]"),
    # "within N before or during the study (treatment period)": had before it, or planned for it
    ("Use of antihistamines within 6 hours before or during the treatment period", "exclusion",
     "medication antihistamine within 6 hours before first_dose or medication antihistamine [planned]"),
    ("The use of anti-nausea or anti-vertigo drugs 6 hours before or during the treatment period", "exclusion",
     "medication antiemetic within 6 hours before first_dose or medication antivertigo_drug within 6 hours before"
     " first_dose or medication antiemetic [planned] or medication antivertigo_drug [planned]"),
    ("Use of anti-nausea drugs within 6 hours before or during the study", "exclusion",
     "medication antiemetic within 6 hours before screening or medication antiemetic [planned]"),
    # "prior" there is before the study, not a past use that must also be planned
    ("Use of aspirin within 7 days prior or during the study", "exclusion",
     "medication aspirin within 7 days before screening or medication aspirin [planned]"),
    # lines of (systemic) therapy naming no drug: lines of any treatment, counted from the
    # medications' therapy lines
    ("At least two prior lines of therapy", "inclusion", "lines of therapy >= 2"),
    ("At least one prior line of therapy", "inclusion", "lines of therapy >= 1"),
    ("No more than 2 prior lines of systemic therapy", "inclusion", "lines of therapy [systemic] <= 2"),
    ("More than 3 prior lines of systemic treatment", "exclusion", "lines of therapy [systemic] > 3"),
    ("Participants must have received 1 to 3 prior lines of systemic therapy", "inclusion",
     "lines of therapy [systemic] >= 1 and lines of therapy [systemic] <= 3"),
    # "washout of (at least) N from X": that long since it
    ("Washout of at least 4 weeks from prior biologic therapy", "inclusion",
     "not medication biologic within 4 weeks before screening"),
    ("A washout period of at least 14 days from any prior investigational agent", "inclusion",
     "not medication investigational_agent within 14 days before screening"),
    ("Washout of 4 weeks from methotrexate", "inclusion",
     "not medication methotrexate within 4 weeks before screening"),
    # an exclusion names who had it in the weeks: "less than N since"
    ("Less than 4 weeks since prior chemotherapy", "exclusion",
     "medication chemotherapy within 4 weeks before screening"),
    ("< 2 weeks since radiotherapy or surgery", "exclusion",
     "procedure radiotherapy within 2 weeks before screening or procedure surgery within 2 weeks before screening"),
    # "treatment-naive to X" is naive to X
    ("Treatment-naive to JAK inhibitors", "inclusion", "not medication jak_inhibitor"),
    ("Treatment naive to biologics", "inclusion", "not medication biologic"),
    # a count of regimens is one of lines
    ("At least 2 prior chemotherapy regimens", "inclusion", "lines of chemotherapy >= 2"),
    ("More than 3 prior chemotherapy regimens", "exclusion", "lines of chemotherapy > 3"),
    ("At least 2 prior regimens", "inclusion", "lines of therapy >= 2"),
    # "stable" right before a drug is its stable dose
    ("Stable antiepileptic treatment for at least 4 weeks", "inclusion",
     "medication anticonvulsant [stable] lasting >= 4 weeks"),
    ("On stable antihypertensive therapy for at least 4 weeks prior to screening", "inclusion",
     "medication antihypertensive [stable] lasting >= 4 weeks"),
    ("Stable anticoagulant regimen", "inclusion", "medication anticoagulant [stable]"),
    # a combined (estrogen-containing) contraceptive is one kind of hormonal or oral contraceptive
    ("Use of estrogen-containing contraceptives", "exclusion", "medication combined_hormonal_contraceptive"),
    ("Use of combined oral contraceptives", "exclusion", "medication combined_oral_contraceptive"),
    ("Current use of combined hormonal contraception", "exclusion",
     "medication combined_hormonal_contraceptive [current]"),
    ("Previously treated with a platinum-containing regimen", "inclusion",
     "medication platinum_chemotherapy [history]"),
    # discontinued for at least a time before: that long since it
    ("Must have discontinued all biologics for at least 12 weeks prior to randomization", "inclusion",
     "not medication biologic within 12 weeks before randomization"),
    # expected to require a treatment: the treatment planned
    ("Participant is expected to require another form of antineoplastic therapy while on study treatment",
     "exclusion", "medication anticancer_therapy [planned]"),
    ("Is expected to require systemic corticosteroids during the study", "exclusion",
     "medication corticosteroid [planned, systemic]"),
    # "currently receiving or has received within N": the window says it all
    ("Currently receiving or has received within 28 days prior to enrollment any investigational drug", "exclusion",
     "medication investigational_agent within 28 days before enrollment"),
    # a kind named with its class is the kind
    ("Prior treatment with an anti-PD-1 monoclonal antibody", "exclusion", "medication pd1_inhibitor [history]"),
    ("Prior treatment with TNF inhibitor biologics", "exclusion", "medication tnf_inhibitor [history]"),
    ("Prior treatment with CD137 agonists or immune checkpoint blockade therapies, including anti-CTLA-4, anti-PD-1,"
     " and anti-PD-L1 therapeutic antibodies", "exclusion",
     "medication cd137_agonist [history] or medication immune_checkpoint_inhibitor [history]"),
    # any medication taken now (a healthy-volunteer criterion): "current" narrows it as a window does
    ("Currently taking any medication", "exclusion", "medication any_medication [current]"),
    ("Not currently taking any medications", "inclusion", "not medication any_medication [current]"),
    # progression on or after a treatment: the treatment had, the progression in the words
    ("Progressed on or after at least one prior platinum-based chemotherapy", "inclusion",
     'medication platinum_chemotherapy [history] and text "Progressed on or after at least one prior platinum-based'
     ' chemotherapy"'),
    ("Must have progressed on prior anti-PD-1 therapy", "inclusion",
     'medication pd1_inhibitor [history] and text "progressed on prior anti-PD-1 therapy"'),
    ("Radiographic progression on or after androgen deprivation therapy", "inclusion",
     'medication androgen_deprivation_therapy [history] and text "Radiographic progression on or after androgen'
     ' deprivation therapy"'),
    # one course is having had the treatment; lines and regimens are counted
    ("At least one course of chemotherapy", "inclusion", "medication chemotherapy"),
    ("At least 2 regimens of chemotherapy", "inclusion", "lines of chemotherapy >= 2"),
])
def test_treatment_history_constructs(text, kind, rule):
    assert to_text(compile_criterion(text, kind).rule) == rule


@pytest.mark.parametrize("text, kind", [
    # the last relapse is no treatment
    ("At least 6 months since the last relapse", "inclusion"),
    # an inclusion cannot tell whether the need is the last item's or each one's
    ("Autonomic or peripheral neuropathy that requires treatment", "inclusion"),
    # (cycles of a treatment are not its lines: round 8 reads the treatment had and keeps the
    # count of cycles in words)
    # the lines of a time are not all lines
    ("No more than 1 prior line of chemotherapy within 6 months", "inclusion"),
    # "lines of therapy" is read only as a count ("any line of therapy" as a drug would be any drug)
    ("No prior lines of therapy", "inclusion"),
    ("Prior lines of therapy", "exclusion"),
    # a wash-out listed as an exclusion: read literally it would exclude whoever washed out
    ("At least 4 weeks since prior chemotherapy", "exclusion"),
    ("Washout of at least 4 weeks from prior biologic therapy", "exclusion"),
    ("Off warfarin for at least 5 days", "exclusion"),
    ("Less than 4 weeks since prior chemotherapy", "inclusion"),
    # a washout of what is not said
    ("Washout of at least 4 weeks", "inclusion"),
    # naive to a list: whether it reaches every item is not said
    ("Treatment-naive to JAK inhibitors or biologics", "inclusion"),
    # "stable" said of a condition is not a stable dose
    ("Clinically stable brain metastases", "exclusion"),
    # regimens of one setting
    ("More than 2 prior regimens for metastatic disease", "exclusion"),
    # how long a drug was taken before screening is not how long since it
    ("Treated with metformin for at least 8 weeks prior to screening", "inclusion"),
    # (and a wash-out listed as an exclusion, however written)
    ("Discontinued all biologics for at least 12 weeks prior to randomization", "exclusion"),
    # any medication at any time is not what a list means by it
    ("Use of any medication", "exclusion"),
    # no progression on it, progression some time after it, or after one of a list: not said alike
    ("No progression on prior anti-PD-1 therapy", "inclusion"),
    ("Progressed on docetaxel or cabazitaxel", "inclusion"),
    # a word at a line's end and a name on the next line are not one phrase
    ("Clinically stable\nWarfarin use", "exclusion"),
    ("Use of warfarin\nanticoagulants", "exclusion"),
    # a list of a drug and a condition: whose need is not said
    ("Warfarin or hypertension requiring treatment", "exclusion"),
    # an item with a time of its own is said whole
    ("Myocardial infarction within 6 months or heart failure requiring treatment", "exclusion"),
])
def test_treatment_history_near_misses_stay_free_text(text, kind):
    assert isinstance(compile_criterion(text, kind).rule, FreeText)


def screened(text: str, kind: str, **profile) -> Truth:
    """The truth of a criterion's statement for a made-up patient."""
    patient = patient_from_mapping({"id": "P", "as_of": AS_OF.isoformat(), **profile})
    return evaluate(compile_criterion(text, kind).rule, Context(patient=patient, as_of=AS_OF)).truth


@pytest.mark.parametrize("conditions, truth", [
    # a neuropathy whose treatment is not recorded may or may not need it
    ([{"name": "peripheral neuropathy", "onset": "2024-01-01"}], Truth.UNKNOWN),
    ([{"name": "peripheral neuropathy", "onset": "2024-01-01", "note": "on treatment with duloxetine"}], Truth.TRUE),
    ([{"name": "hypertension", "onset": "2024-01-01"}], Truth.FALSE),
])
def test_a_neuropathy_not_known_to_need_treatment_does_not_exclude(conditions, truth):
    text = "Autonomic or peripheral neuropathy that requires treatment"
    assert screened(text, "exclusion", conditions=conditions, complete=["conditions"]) is truth


def test_six_cycles_of_one_line_do_not_fail_a_count_of_cycles():
    # read as lines, "at least 4 cycles" failed a patient whose first line ran six cycles
    text = "At least 4 cycles of chemotherapy"
    one_line = {"medications": [{"name": "carboplatin", "start": "2026-01-01", "end": "2026-06-01", "therapy_line": 1}],
                "complete": ["medications"]}
    assert screened(text, "inclusion", **one_line) is Truth.UNKNOWN


def test_a_drug_before_the_study_period_excludes_and_one_long_ago_does_not():
    text = "Use of antihistamines within 6 hours before or during the treatment period"
    today = {"medications": [{"name": "cetirizine", "start": "2026-11-01", "end": "2026-11-20"}]}
    assert screened(text, "exclusion", **today) is Truth.TRUE
    long_ago = {"medications": [{"name": "cetirizine", "start": "2026-01-01", "end": "2026-02-01"}],
                "complete": ["medications"]}
    # (whether one is planned for the study, a list of what was taken does not say)
    assert screened(text, "exclusion", **long_ago) is Truth.UNKNOWN


LINE_1 = {"name": "carboplatin", "start": "2025-01-01", "end": "2025-05-01", "therapy_line": 1}
LINE_2 = {"name": "docetaxel", "start": "2025-06-01", "end": "2025-09-01", "therapy_line": 2}
LINE_3 = {"name": "pembrolizumab", "start": "2025-10-01", "therapy_line": 3}
METFORMIN = {"name": "metformin", "start": "2020-01-01"}


@pytest.mark.parametrize("medications, truth", [
    ([LINE_1, LINE_2], Truth.TRUE),
    # a drug recorded with no line may be no line of treatment at all: metformin is not one
    ([LINE_1, METFORMIN], Truth.UNKNOWN),
    ([METFORMIN], Truth.FALSE),
    ([], Truth.FALSE),
])
def test_lines_of_any_therapy_count_the_recorded_lines(medications, truth):
    text = "At least two prior lines of therapy"
    assert screened(text, "inclusion", medications=medications, complete=["medications", "procedures"]) is truth


def test_a_procedure_may_be_a_line_of_any_therapy():
    # one line of drugs, then CAR-T cell therapy: two lines, and the count of drug lines alone
    # would fail "at least two"
    text = "At least two prior lines of therapy"
    car_t = {"medications": [LINE_1], "procedures": [{"name": "CAR-T cell therapy", "date": "2026-03-01"}],
             "complete": ["medications", "procedures"]}
    assert screened(text, "inclusion", **car_t) is Truth.UNKNOWN
    procedures_open = {"medications": [LINE_1], "complete": ["medications"]}
    assert screened(text, "inclusion", **procedures_open) is Truth.UNKNOWN
    nothing_else = {"medications": [LINE_1], "procedures": [], "complete": ["medications", "procedures"]}
    assert screened(text, "inclusion", **nothing_else) is Truth.FALSE


def test_a_metformin_course_is_not_a_line_that_fails_an_upper_bound():
    text = "No more than 2 prior lines of therapy"
    two_and_metformin = [LINE_1, LINE_2, METFORMIN]
    assert screened(text, "inclusion", medications=two_and_metformin, complete=["medications"]) is Truth.UNKNOWN
    assert screened(text, "inclusion", medications=[LINE_1, LINE_2, LINE_3], complete=["medications"]) is Truth.FALSE


def test_lines_of_systemic_therapy_need_the_route_to_count_a_line():
    text = "No more than 2 prior lines of systemic therapy"
    iv = [{**line, "route": "iv"} for line in (LINE_1, LINE_2, LINE_3)]
    assert screened(text, "inclusion", medications=iv, complete=["medications"]) is Truth.FALSE
    # a line given into the bladder or on the skin may not be systemic: three lines, route unknown
    assert screened(text, "inclusion", medications=[LINE_1, LINE_2, LINE_3], complete=["medications"]) is Truth.UNKNOWN
    topical = [{**LINE_1, "route": "topical"}, {**LINE_2, "route": "iv"}, {**LINE_3, "route": "iv"}]
    assert screened(text, "inclusion", medications=topical, complete=["medications", "procedures"]) is Truth.TRUE


def test_lines_with_a_qualifier_print_and_read_back():
    rule = compile_criterion("No more than 2 prior lines of systemic therapy", "inclusion").rule
    assert parse_rule(to_text(rule)) == rule


def test_a_washout_listed_as_an_exclusion_does_not_exclude_the_washed_out():
    # read as "not chemotherapy within 4 weeks", it failed every patient off chemotherapy
    text = "At least 4 weeks since prior chemotherapy"
    none = {"medications": [], "complete": ["medications"]}
    assert screened(text, "exclusion", **none) is Truth.UNKNOWN
    recent = {"medications": [{"name": "carboplatin", "start": "2026-10-01", "end": "2026-11-10"}]}
    assert screened("Less than 4 weeks since prior chemotherapy", "exclusion", **recent) is Truth.TRUE


@pytest.mark.parametrize("drug, truth", [
    # a progestin-only implant, coil or pill is no combined contraceptive
    ("Nexplanon", Truth.FALSE), ("Mirena", Truth.FALSE), ("progestin-only pill", Truth.FALSE),
    ("Sprintec", Truth.TRUE), ("combined oral contraceptive", Truth.TRUE),
    # recorded only as some hormonal contraceptive: may or may not be a combined one
    ("hormonal contraceptive", Truth.UNKNOWN),
])
def test_an_estrogen_containing_contraceptive_is_not_any_hormonal_one(drug, truth):
    text = "Use of combined hormonal contraceptives"
    on_it = {"medications": [{"name": drug, "start": "2026-01-01"}], "complete": ["medications"]}
    assert screened(text, "exclusion", **on_it) is truth


def test_a_drug_taken_now_excludes_from_a_trial_of_no_current_medication():
    text = "Currently taking any medication"
    on_one = {"medications": [{"name": "lisinopril", "start": "2025-01-01"}]}
    assert screened(text, "exclusion", **on_one) is Truth.TRUE
    stopped = {"medications": [{"name": "amoxicillin", "start": "2026-01-01", "end": "2026-01-10"}],
               "complete": ["medications"]}
    assert screened(text, "exclusion", **stopped) is Truth.FALSE


def test_progression_on_a_treatment_never_had_fails_and_on_one_had_waits_for_a_coordinator():
    text = "Progressed on or after at least one prior platinum-based chemotherapy"
    never = {"medications": [{"name": "docetaxel", "start": "2025-01-01", "end": "2025-06-01"}],
             "complete": ["medications"]}
    assert screened(text, "inclusion", **never) is Truth.FALSE
    had = {"medications": [{"name": "carboplatin", "start": "2025-01-01", "end": "2025-06-01"}]}
    assert screened(text, "inclusion", **had) is Truth.UNKNOWN
