"""Round 8 prior cancer treatment and tumour status: cycles of a treatment and doses of radiation
kept in words beside the treatment. Each construct read here, its near misses that must stay free
text, and what the readings decide for made-up patients."""

from __future__ import annotations

import pytest

from made_up import outcome, trial_rules
from screening.compile import compile_criterion, parse_rule
from screening.logic import Truth
from screening.printer import to_text

READ = [
    # a count of cycles that needs one course: the treatment had, the count in words
    ("Received at least 2 cycles of platinum-based chemotherapy", "inclusion",
     'medication platinum_chemotherapy [history] and text "at least 2 cycles of platinum-based chemotherapy"'),
    ("Prior treatment with more than 6 cycles of chemotherapy", "exclusion",
     'medication chemotherapy [history] and text "more than 6 cycles of chemotherapy"'),
    ("Received 2 or more cycles of chemotherapy", "exclusion",
     'medication chemotherapy [history] and text "2 or more cycles of chemotherapy"'),
    # (earlier rounds left these words: cycles were not to be read as lines, which they are not)
    ("Must have received at least 5 courses of chemotherapy", "inclusion",
     'medication chemotherapy [history] and text "at least 5 courses of chemotherapy"'),
    ("More than 6 cycles of platinum-based chemotherapy", "exclusion",
     'medication platinum_chemotherapy [history] and text "More than 6 cycles of platinum-based chemotherapy"'),
    # a cumulative dose above a limit: the drug had, the dose in words
    ("Cumulative doxorubicin dose > 360 mg/m2", "exclusion",
     'medication doxorubicin [history] and text "Cumulative doxorubicin dose > 360 mg/m2"'),
    ("Prior treatment with anthracyclines with a cumulative dose of doxorubicin > 360 mg/m2 or equivalent",
     "exclusion",
     'medication anthracycline [history] and text "cumulative dose of doxorubicin > 360 mg/m2 or equivalent"'),
    ("Prior doxorubicin at a cumulative dose of more than 400 mg/m2", "exclusion",
     'medication doxorubicin [history] and text "cumulative dose of more than 400 mg/m2"'),
    # a dose of radiation: the radiotherapy (in its window), the dose in words
    ("Received >30 Gy chest radiation within 6 months prior to initial administration", "exclusion",
     'procedure chest_radiotherapy within 6 months before first_dose and text ">30 Gy"'),
    ("Prior pelvic radiotherapy >= 45 Gy", "exclusion", 'procedure pelvic_radiotherapy [history] and text ">= 45 Gy"'),
    ("Prior pelvic radiotherapy 45 Gy or more", "exclusion",
     'procedure pelvic_radiotherapy [history] and text "45 Gy or more"'),
    ("Prior radiotherapy (>= 30 Gy) within 6 months", "exclusion",
     'procedure radiotherapy [history] within 6 months before screening and text ">= 30 Gy"'),
    # how much of the marrow a radiotherapy reached: in words beside it
    ("Prior radiation therapy to > 25% of the bone marrow", "exclusion",
     'procedure radiotherapy [history] and text "to > 25% of the bone marrow"'),
    ("Prior radiotherapy to more than 25% of marrow-bearing bone within 4 weeks", "exclusion",
     'procedure radiotherapy [history] within 4 weeks before screening and text "to more than 25% of '
     'marrow-bearing bone"'),
    # disease-free for less than a time: went on within it
    ("Any other malignancy from which the patient has been disease-free for less than 5 years", "exclusion",
     "condition malignancy [other] within 5 years before screening"),
    # a cancer in complete remission: what its note says
    ("Acute myeloid leukemia in complete remission", "inclusion", "condition acute_myeloid_leukemia [complete_remission]"),
    ("Patients with multiple myeloma in CR", "inclusion", "condition multiple_myeloma [complete_remission]"),
    # a measurable lesion of a size: measurable disease, the size in words
    ("At least one measurable lesion >= 10 mm", "inclusion", 'measurable_disease in {yes} and text ">= 10 mm"'),
    ("At least one measurable lesion >= 1 cm in longest diameter", "inclusion",
     'measurable_disease in {yes} and text ">= 1 cm in longest diameter"'),
    # days or half-lives without "whichever": either may be meant
    ("Investigational drug within 28 days or 5 half-lives prior to first dose", "exclusion",
     "medication investigational_agent within either(28 days, 5 half-lives) before first_dose"),
    ("Investigational drug within 28 days (or 5 half-lives) prior to first dose", "exclusion",
     "medication investigational_agent within either(28 days, 5 half-lives) before first_dose"),
    ("Biologic therapy within 12 weeks or 5 half-lives prior to randomization", "exclusion",
     "medication biologic within either(12 weeks, 5 half-lives) before randomization"),
    ("Investigational drug within 5 half-lives or 28 days prior to first dose", "exclusion",
     "medication investigational_agent within either(28 days, 5 half-lives) before first_dose"),
    ("Received any investigational drug within 30 days (or 5 half-lives) prior to the first dose of nivolumab",
     "exclusion", "medication investigational_agent within either(30 days, 5 half-lives) before first_dose"),
    ("Use of an investigational drug within 30 days or 5 half-lives prior to Day 1", "exclusion",
     "medication investigational_agent within either(30 days, 5 half-lives) before baseline"),
    ("Use of aspirin within 30 days or 5 half-lives", "exclusion",
     "medication aspirin within either(30 days, 5 half-lives) before screening"),
    ("Investigational agent within 30 days or five half-lives", "exclusion",
     "medication investigational_agent within either(30 days, 5 half-lives) before screening"),
    ("Last dose of chemotherapy was 3 weeks or 5 half-lives prior to enrollment", "inclusion",
     "not medication chemotherapy within either(3 weeks, 5 half-lives) before enrollment"),
    # what the disease did on a count of lines: the lines had, and the words
    ("Have progressed on or after at least 2 prior lines of therapy", "inclusion",
     'lines of therapy >= 2 and text "progressed on or after at least 2 prior lines of therapy"'),
    ("Failed at least one prior line of therapy", "inclusion",
     'lines of therapy >= 1 and text "Failed at least one prior line of therapy"'),
    ("Disease progression after at least one prior line of systemic therapy", "inclusion",
     'lines of therapy [systemic] >= 1 and text "progression after at least one prior line of systemic therapy"'),
    ("Relapsed after or refractory to at least 2 prior lines of therapy", "inclusion",
     'lines of therapy >= 2 and text "Relapsed after or refractory to at least 2 prior lines of therapy"'),
    ("Patients must have progressed on at least 1 prior line of systemic therapy for advanced disease", "inclusion",
     'lines of therapy [systemic] for (advanced_cancer) >= 1 and text "progressed on at least 1 prior line of '
     'systemic therapy"'),
    ("Disease progression after more than 2 prior lines of therapy", "exclusion",
     'lines of therapy > 2 and text "progression after more than 2 prior lines of therapy"'),
    ("Relapsed or refractory disease after at least 2 prior lines of systemic therapy", "inclusion",
     'lines of therapy [systemic] >= 2 and text "Relapsed or refractory disease after at least 2 prior lines of '
     'systemic therapy"'),
    # a disease after lines: the lines, and the disease in the words
    ("Relapsed or refractory multiple myeloma after at least 3 prior lines of therapy", "inclusion",
     'lines of therapy >= 3 and text "Relapsed or refractory multiple myeloma after at least 3 prior lines of '
     'therapy"'),
    ("Diffuse large B-cell lymphoma relapsed after or refractory to at least 2 lines of systemic therapy", "inclusion",
     'lines of therapy [systemic] >= 2 and text "Diffuse large B-cell lymphoma relapsed after or refractory to at '
     'least 2 lines of systemic therapy"'),
    # which drugs were among the lines: in words beside them
    ("Received at least one prior line of therapy, including an anti-CD20 antibody and an alkylating agent",
     "inclusion", 'lines of therapy >= 1 and text "including an anti-CD20 antibody and an alkylating agent"'),
    ("Relapsed or refractory multiple myeloma after at least 3 prior lines of therapy including a proteasome "
     "inhibitor, an immunomodulatory drug and an anti-CD38 monoclonal antibody", "inclusion",
     'lines of therapy >= 3 and text "Relapsed or refractory multiple myeloma after at least 3 prior lines of '
     'therapy" and text "including a proteasome inhibitor, an immunomodulatory drug and an anti-CD38 monoclonal '
     'antibody"'),
    # transplants named by their source of cells, with "hematopoietic (stem) cell"
    ("Has received a prior autologous or allogeneic hematopoietic stem cell transplant within 3 months", "exclusion",
     "procedure autologous_stem_cell_transplantation [history] within 3 months before screening or procedure "
     "allogeneic_stem_cell_transplantation [history] within 3 months before screening"),
    ("Prior allogeneic HCT", "exclusion", "procedure allogeneic_stem_cell_transplantation [history]"),
    # progression within a time of a treatment: the treatment had, the time after it in words
    ("Disease progression during or within 6 months of platinum-based chemotherapy", "exclusion",
     'medication platinum_chemotherapy [history] and text "progression during or within 6 months of platinum-based '
     'chemotherapy"'),
    ("Progression within 6 months of completing platinum-based chemotherapy", "inclusion",
     'medication platinum_chemotherapy [history] and text "Progression within 6 months of completing '
     'platinum-based chemotherapy"'),
    ("Progression within 12 months of the last dose of trastuzumab", "inclusion",
     'medication trastuzumab [history] and text "Progression within 12 months of the last dose of trastuzumab"'),
    # what a list of treatments was for, said after it: of each, where that excludes fewer
    ("No prior chemotherapy or radiotherapy for cervical cancer", "inclusion",
     "not medication chemotherapy [history] for (cervical_cancer) and not procedure radiotherapy [history] for "
     "(cervical_cancer)"),
    ("Prior chemotherapy or radiotherapy for NSCLC", "exclusion",
     "medication chemotherapy [history] for (nsclc) or procedure radiotherapy [history] for (nsclc)"),
    ("Prior chemotherapy, radiotherapy or surgery for cervical cancer", "exclusion",
     "medication chemotherapy [history] for (cervical_cancer) or procedure radiotherapy [history] for "
     "(cervical_cancer) or procedure surgery [history] for (cervical_cancer)"),
    # … and with it, in brackets
    ("Investigational drug within 28 days (or 5 half-lives, whichever is longer) prior to first dose", "exclusion",
     "medication investigational_agent within max(28 days, 5 half-lives) before first_dose"),
]


@pytest.mark.parametrize("text, kind, rule", READ)
def test_read(text, kind, rule):
    assert to_text(compile_criterion(text, kind).rule) == rule


STAYS_WORDS = [
    # a count of cycles that a patient never treated meets, or that one course may break
    ("No more than 4 cycles of chemotherapy", "inclusion"),
    ("Fewer than 2 cycles of chemotherapy", "exclusion"),
    ("Prior chemotherapy, but not more than 2 cycles", "inclusion"),
    ("Received 0 or more cycles of chemotherapy", "inclusion"),
    # cycles of a treatment in a setting, or in a window (of the cycles, or of the treatment?)
    ("Must have received at least 5 courses of first-line chemotherapy", "inclusion"),
    ("More than 2 cycles of chemotherapy within 6 months", "exclusion"),
    # a cumulative dose below a limit, which a patient never given the drug meets
    ("Prior cumulative doxorubicin dose <= 360 mg/m2", "inclusion"),
    ("No prior cumulative doxorubicin dose > 360 mg/m2", "inclusion"),
    # a dose of radiation to a site the procedure does not name, or none of it asked
    ("Prior radiotherapy > 30 Gy to the lung", "exclusion"),
    ("Prior radiotherapy with a total dose of 50 Gy or more", "exclusion"),
    ("No prior pelvic radiotherapy >= 45 Gy", "inclusion"),
    # progression on at most so many lines, on cycles, on a treatment in a setting; none of it
    ("Progressed on no more than 2 lines of therapy", "inclusion"),
    ("Progressed after at least 1 cycle of chemotherapy", "inclusion"),
    ("No progression on at least 1 prior line of therapy", "inclusion"),
    ("No metastatic breast cancer after at least 2 prior lines of chemotherapy", "exclusion"),
    # drugs among at most so many lines may say what counts as a line
    ("No more than 2 prior lines of therapy including a platinum", "inclusion"),
    ("Disease progression within 6 months of completing adjuvant chemotherapy", "exclusion"),
    ("No prior radiotherapy to more than 25% of bone marrow", "inclusion"),
    ("Disease-free for less than 5 years", "inclusion"),
    # a remission shorter than a time: a cancer never in remission is not in it
    ("Malignancy in complete remission for less than 5 years", "exclusion"),
    # which complete remission (CR1 is not CR2), or either remission
    ("AML in first complete remission", "inclusion"),
    ("Acute myeloid leukemia in complete remission or in partial remission", "inclusion"),
    ("No measurable lesion >= 10 mm", "exclusion"),
    # a list's "for X" of each would ask more of a patient who must have had them
    ("Prior chemotherapy or radiotherapy for cervical cancer", "inclusion"),
    ("No prior chemotherapy or radiotherapy for cervical cancer", "exclusion"),
    ("Chemotherapy for breast cancer or radiotherapy", "exclusion"),
    # "this cancer" with no trial to say which
    ("Prior chemotherapy for this cancer", "exclusion"),
    # a device has no half-life, and which of the two was meant for the drug is not said
    ("Investigational drug or device within 30 days or 5 half-lives prior to screening", "exclusion"),
]


@pytest.mark.parametrize("text, kind", STAYS_WORDS)
def test_stays_words(text, kind):
    assert to_text(compile_criterion(text, kind).rule).startswith("text ")


def test_cycles_decide_for_the_untreated_and_wait_for_the_treated():
    rule = to_text(compile_criterion("Received at least 2 cycles of platinum-based chemotherapy", "inclusion").rule)
    treated = {"medications": [{"name": "carboplatin", "start": "2026-01-01", "end": "2026-04-01"}]}
    assert outcome(rule, "inclusion", complete=["medications"], **treated).truth is Truth.UNKNOWN
    other = {"medications": [{"name": "docetaxel", "start": "2026-01-01", "end": "2026-04-01"}]}
    assert outcome(rule, "inclusion", complete=["medications"], **other).truth is Truth.FALSE


def test_a_dose_of_radiation_excludes_nobody_without_that_radiotherapy():
    rule = to_text(compile_criterion("Received >30 Gy chest radiation within 6 months prior to initial administration",
                                     "exclusion").rule)
    pelvis = {"procedures": [{"name": "pelvic radiotherapy", "date": "2026-09-01"}]}
    assert outcome(rule, "exclusion", complete=["procedures"], **pelvis).truth is Truth.FALSE
    long_ago = {"procedures": [{"name": "thoracic radiotherapy", "date": "2025-01-01"}]}
    assert outcome(rule, "exclusion", complete=["procedures"], **long_ago).truth is Truth.FALSE
    chest = {"procedures": [{"name": "thoracic radiotherapy", "date": "2026-09-01"}]}
    assert outcome(rule, "exclusion", complete=["procedures"], **chest).truth is Truth.UNKNOWN


def test_days_or_half_lives_unsaid_decide_what_both_readings_would():
    rule = "medication investigational_agent within either(28 days, 5 half-lives) before first_dose"
    assert to_text(parse_rule(rule)) == rule
    # inside 28 days, but 5 half-lives may be shorter; outside, but 5 half-lives may be longer
    for end in ("2026-11-10", "2026-08-01"):
        took = {"medications": [{"name": "investigational drug", "start": "2026-06-01", "end": end}]}
        assert outcome(rule, "exclusion", complete=["medications"], **took).truth is Truth.UNKNOWN
    taking = {"medications": [{"name": "investigational drug", "start": "2026-06-01"}]}
    assert outcome(rule, "exclusion", complete=["medications"], **taking).truth is Truth.TRUE
    assert outcome(rule, "exclusion", complete=["medications"], medications=[]).truth is Truth.FALSE


def test_progression_on_lines_fails_only_those_with_too_few_lines():
    rule = to_text(compile_criterion("Have progressed on or after at least 2 prior lines of therapy",
                                     "inclusion").rule)
    one = [{"name": "carboplatin", "start": "2025-01-01", "end": "2025-05-01", "therapy_line": 1}]
    assert outcome(rule, "inclusion", complete=["medications", "procedures"], medications=one).truth is Truth.FALSE
    two = [*one, {"name": "docetaxel", "start": "2025-06-01", "end": "2025-10-01", "therapy_line": 2}]
    assert outcome(rule, "inclusion", complete=["medications", "procedures"], medications=two).truth is Truth.UNKNOWN
    # an open list may hide more lines
    assert outcome(rule, "inclusion", medications=one).truth is Truth.UNKNOWN


def test_this_cancer_is_the_one_cancer_the_trial_studies():
    rules = trial_rules(("Breast Cancer", "HER2-positive Breast Cancer"),
                        ("exclusion", "Prior chemotherapy for this cancer"),
                        ("inclusion", "no previous treatment with chemotherapy or radiation for this cancer"),
                        ("exclusion", "More than 2 lines of chemotherapy for their cancer"),
                        ("exclusion", "Diagnosis of this cancer more than 5 years ago"))
    assert rules == {
        "E1": "medication chemotherapy [history] for (breast_cancer)",
        "I1": "not medication chemotherapy [history] for (breast_cancer) and not procedure radiotherapy [history] "
              "for (breast_cancer)",
        "E2": "lines of chemotherapy for (breast_cancer) > 2",
        "E3": "condition breast_cancer lasting > 5 years",
    }
    # a course given for another, earlier cancer does not exclude
    earlier = {"medications": [{"name": "carboplatin", "start": "2015-01-01", "end": "2015-05-01",
                                "indication": "ovarian cancer"}]}
    assert outcome(rules["E1"], "exclusion", complete=["medications"], **earlier).truth is Truth.FALSE
    unsaid = {"medications": [{"name": "carboplatin", "start": "2025-01-01", "end": "2025-05-01"}]}
    assert outcome(rules["E1"], "exclusion", complete=["medications"], **unsaid).truth is Truth.UNKNOWN


def test_this_cancer_stays_words_where_the_trial_studies_several_or_any():
    for conditions in (("Breast Cancer", "Colorectal Cancer"), ("Solid Tumor",), ("Ovarian Cancer", "Cancer")):
        rules = trial_rules(conditions, ("exclusion", "Prior chemotherapy for this cancer"))
        assert rules["E1"].startswith("text "), conditions


def test_complete_remission_is_read_from_the_note():
    rule = "condition acute_myeloid_leukemia [complete_remission]"
    for note, truth in (("complete remission after induction", Truth.TRUE), ("CR1", Truth.TRUE),
                        ("relapsed in 2024, now in complete remission", Truth.TRUE),
                        ("partial remission", Truth.FALSE), ("relapsed after induction", Truth.FALSE),
                        ("CRi", Truth.UNKNOWN), (None, Truth.UNKNOWN),
                        # free of relapse or progression is not said to be a complete remission
                        ("relapse-free since 2024", Truth.UNKNOWN), ("progression-free", Truth.UNKNOWN),
                        ("previously refractory", Truth.UNKNOWN)):
        aml = {"name": "AML", "onset": "2025-01-01", **({"note": note} if note else {})}
        assert outcome(rule, "inclusion", complete=["conditions"], conditions=[aml]).truth is truth, note
