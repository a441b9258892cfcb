"""Round 5 of the corpus's cheapest unread clauses: clauses whose every word the tokenizer knew,
but that the grammar or the reader refused. Each construct read here, and its near misses that
must stay free text."""

from __future__ import annotations

import pytest

from screening.compile import compile_criterion
from screening.logic import Truth
from screening.printer import to_text

from made_up import outcome

READ = [
    # a past with no length is any time before now ("history of"), not a window
    ("Patients who have used immunosuppressants in the past", "exclusion", "medication immunosuppressant [history]"),
    ("History of stroke in the past", "exclusion", "condition stroke [history]"),
    ("Stroke in the past year", "exclusion", "condition stroke within 1 years before screening"),
    # a permission that closes the criterion asks nothing
    ("Patients who have used immunosuppressants or antiangiogenic drugs in the past are not excluded", "inclusion",
     'asks_nothing allows "Patients who have used immunosuppressants or antiangiogenic drugs in the past are not '
     'excluded"'),
    ("Patients with brain metastases will not be excluded from the study", "inclusion",
     'asks_nothing allows "Patients with brain metastases will not be excluded from the study"'),
    ("Patients who have used immunosuppressants or antiangiogenic drugs in the past are not excluded;", "inclusion",
     'asks_nothing allows "Patients who have used immunosuppressants or antiangiogenic drugs in the past are not '
     'excluded"'),
    # what some patients need not do
    ("Women of non-childbearing potential are not required to use contraception.", "inclusion",
     'asks_nothing allows "Women of non-childbearing potential are not required to use contraception"'),
    ("Women of childbearing potential must use contraception. Women of non-childbearing potential are not required "
     "to use contraception.", "inclusion", "if (female and childbearing_potential) then contraception"),
    # an exception to a procedure class ("major surgery other than biopsy")
    ("Major surgery other than biopsy within 28 days prior to initial administration", "exclusion",
     "procedure major_surgery except (biopsy) within 28 days before first_dose"),
    ("Surgery within 4 weeks, excluding appendectomy", "exclusion",
     "procedure surgery except (appendectomy) within 4 weeks before screening"),
    ("No prior surgery except biopsy", "inclusion", "not procedure surgery [history] except (biopsy)"),
    # values that define a condition, and a qualifier they do not cover kept in words beside them
    ("Uncontrolled or symptomatic hypercalcemia (ionized calcium > 1.5 mmol/L, calcium > 12 mg/dL or corrected serum "
     "calcium > ULN)", "exclusion",
     "(ionized_calcium > 1.5 mmol/L or calcium > 12 mg/dL or corrected_calcium > 1 x ULN) "
     'and text "Uncontrolled or symptomatic hypercalcemia"'),
    ("Pregnant, or symptomatic anemia (hemoglobin < 10 g/dL)", "exclusion",
     'pregnant or (hemoglobin < 10 g/dL and text "symptomatic anemia")'),
    ("No symptomatic hypercalcemia (calcium > 12 mg/dL)", "inclusion",
     'not (calcium > 12 mg/dL and text "symptomatic hypercalcemia")'),
    # a condition and the treatment its patients are on
    ("Diabetic patients on insulin", "exclusion", "condition diabetes_mellitus and medication insulin [current] for (diabetes_mellitus)"),
    ("Asthmatic subjects receiving oral corticosteroids", "exclusion",
     "condition asthma and medication corticosteroid [current, oral] for (asthma)"),
    # clinical evidence is of what is clinically manifest, which a latent infection is not
    ("Clinical evidence of infection", "exclusion", "condition infection [active]"),
    # the Merck template: a reference to an appendix, a ".)" label, what "highly effective" means
    ("A female participant is eligible to participate if she is not pregnant (see Appendix 3), not breastfeeding, "
     "and at least one of the following conditions applies: a.) Not a woman of childbearing potential (WOCBP) as "
     "defined in Appendix 3 OR b.) A WOCBP who agrees to follow the contraceptive guidance in Appendix 3 during the "
     "treatment period and for at least 120 days after the last dose of study treatment.", "inclusion",
     "if female then (not pregnant and not breastfeeding and (if (female and childbearing_potential) then "
     "contraception))"),
    ("Not a WOCBP as defined in Section 5.3", "inclusion", "not (female and childbearing_potential)"),
    ("Women of childbearing potential must use a highly effective method of contraception (failure rate of less "
     "than 1% per year)", "inclusion", "if (female and childbearing_potential) then contraception"),
    # a "not" before a list does not reach what the patient does or agrees to
    ("Not pregnant and uses contraception", "inclusion",
     "not pregnant and (if childbearing_potential then contraception)"),
    ("Not pregnant and signed informed consent", "inclusion", "not pregnant and consent"),
    # vocabulary: the short name of the bacterium; varices of either site
    ("H. pylori negative", "exclusion", "not condition helicobacter_pylori_infection [current]"),
    ("A prior bleeding event due to esophageal and/or gastric varices within 6 months prior to initiation of study "
     "treatment", "exclusion", "condition bleeding [history] within 6 months before first_dose and condition "
     'gastroesophageal_varices and text "due to esophageal and/or gastric varices"'),
]


@pytest.mark.parametrize(("text", "kind", "expected"), READ)
def test_read(text: str, kind: str, expected: str) -> None:
    assert to_text(compile_criterion(text, kind).rule) == expected


STAYS_FREE_TEXT = [
    # a permission with a limit in it forbids the rest
    ("Patients with untreated brain metastases are not excluded", "inclusion"),
    # something is asked of them after all
    ("Patients who are not required to use contraception must be postmenopausal", "inclusion"),
    ("Men are not required to use contraception unless their partner is pregnant", "inclusion"),
    # whether the "not" reaches past the "or" to the contraception is not said (it must not: read
    # as "not using contraception", it failed every woman who used it)
    ("Not pregnant or breastfeeding and uses contraception", "inclusion"),
    ("For females, is not pregnant or breastfeeding and uses contraception", "inclusion"),
    # a qualifier the definition does not cover, over a definition that names a condition, or with
    # a window the values cannot carry
    ("Symptomatic hypercalcemia (calcium > 12 mg/dL or hyperparathyroidism)", "exclusion"),
    ("Symptomatic hypercalcemia (calcium > 12 mg/dL) within 4 weeks", "exclusion"),
]


@pytest.mark.parametrize(("text", "kind"), STAYS_FREE_TEXT)
def test_stays_free_text(text: str, kind: str) -> None:
    assert to_text(compile_criterion(text, kind).rule).startswith("text "), to_text(compile_criterion(text, kind).rule)


def test_a_past_without_a_length_counts_any_time_before_now() -> None:
    rule = to_text(compile_criterion("Patients who have used immunosuppressants in the past", "exclusion").rule)
    years_ago = [{"name": "azathioprine", "start": "2015-01-01", "end": "2016-01-01"}]
    assert outcome(rule, "exclusion", medications=years_ago).truth == Truth.TRUE
    assert outcome(rule, "exclusion", medications=[], complete=["medications"]).truth == Truth.FALSE


# --- exceptions to a procedure class ------------------------------------------------------------

EXCEPTED = "procedure surgery except (appendectomy) within 4 weeks before screening"


@pytest.mark.parametrize(("procedures", "expected"), [
    ([{"name": "appendectomy", "date": "2026-11-10"}], Truth.FALSE),      # the one excepted: not excluded
    ([{"name": "cholecystectomy", "date": "2026-11-10"}], Truth.TRUE),    # any other operation excludes
    ([{"name": "cholecystectomy", "date": "2026-01-10"}], Truth.FALSE),   # outside the window
    ([{"name": "surgery", "date": "2026-11-10"}], Truth.UNKNOWN),         # may have been the appendectomy
])
def test_an_exception_to_a_procedure_class_does_not_count(procedures, expected) -> None:
    assert outcome(EXCEPTED, "exclusion", procedures=procedures, complete=["procedures"]).truth == expected


@pytest.mark.parametrize(("calcium", "expected"), [
    (10.0, Truth.FALSE),     # no hypercalcemia by the definition: not excluded
    (13.0, Truth.UNKNOWN),   # hypercalcemia by it: whether uncontrolled or symptomatic waits
])
def test_values_that_miss_a_definition_settle_it_and_values_that_meet_it_wait(calcium, expected) -> None:
    text = "Uncontrolled or symptomatic hypercalcemia (calcium > 12 mg/dL)"
    rule = to_text(compile_criterion(text, "exclusion").rule)
    labs = [{"name": "calcium", "value": calcium, "unit": "mg/dL", "date": "2026-11-10"}]
    assert outcome(rule, "exclusion", labs=labs).truth == expected


def test_a_woman_using_contraception_is_not_failed_by_a_not_before_the_list() -> None:
    rule = to_text(compile_criterion("Not pregnant and uses contraception", "inclusion").rule)
    woman = {"sex": "female", "childbearing_potential": True, "pregnant": False}
    assert outcome(rule, "inclusion", contraception=True, **woman).truth == Truth.TRUE
    assert outcome(rule, "inclusion", contraception=False, **woman).truth == Truth.FALSE


@pytest.mark.parametrize(("condition", "expected"), [
    ("latent tuberculosis", Truth.FALSE),     # no clinical evidence of it
    ("urinary tract infection", Truth.TRUE),
])
def test_clinical_evidence_of_infection_is_of_an_active_one(condition, expected) -> None:
    rule = to_text(compile_criterion("Clinical evidence of infection", "exclusion").rule)
    conditions = [{"name": condition, "onset": "2026-11-01"}]
    assert outcome(rule, "exclusion", conditions=conditions, complete=["conditions"]).truth == expected
