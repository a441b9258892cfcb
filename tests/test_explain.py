"""Outcomes → verdicts: inclusion/exclusion mapping, registry limits, answers, warnings."""

from datetime import date

from screening import compile_trial, screen
from screening.patient import patient_from_mapping
from screening.trial import Criterion, Trial


def _trial(*criteria, **fields):
    items = tuple(Criterion(id=cid, kind=kind, label=f"{k + 1}.", text=text)
                  for k, (cid, kind, text) in enumerate(criteria))
    return compile_trial(Trial(nct_id="NCT09999999", title="Test", criteria=items, **fields))


def _patient(**fields):
    return patient_from_mapping({"id": "P", "as_of": "2026-11-20", **fields})


def _verdicts(report):
    return {c.id: c.verdict for c in report.criteria}


def test_inclusion_passes_when_its_statement_holds_and_exclusion_when_it_does_not():
    trial = _trial(("I1", "inclusion", "Pregnant"), ("E1", "exclusion", "Currently pregnant"))
    assert _verdicts(screen(trial, _patient(pregnant=True))) == {"I1": "pass", "E1": "fail"}
    assert _verdicts(screen(trial, _patient(pregnant=False))) == {"I1": "fail", "E1": "pass"}
    assert _verdicts(screen(trial, _patient())) == {"I1": "unknown", "E1": "unknown"}


def test_registry_limits_are_criteria_of_kind_registry():
    trial = _trial(("I1", "inclusion", "Pregnant"), minimum_age="18 Years", maximum_age="6 Months", sex="female")
    report = screen(trial, _patient(birth_date="2000-01-01", sex="female", pregnant=True))
    registry = [c for c in report.criteria if c.kind == "registry"]
    assert [c.rule for c in registry] == ["age >= 18 years", "age <= 6 months", "female"]
    assert [c.verdict for c in registry] == ["pass", "fail", "pass"]
    assert report.overall == "ineligible"


def test_a_coordinators_answer_settles_a_criterion_and_says_so():
    trial = _trial(("E1", "exclusion", "Pending unresolved surgical indication"))
    unanswered = screen(trial, _patient())
    assert unanswered.criteria[0].verdict == "unknown" and unanswered.criteria[0].reason == "free_text"
    answered = screen(trial, _patient(answers={"NCT09999999/E1": False}))
    result = answered.criteria[0]
    assert (result.verdict, result.answered, result.reason) == ("pass", True, "answered")
    assert "coordinator" in result.explanation
    assert answered.overall == "eligible"


def test_a_requirement_that_does_not_apply_passes_and_says_why():
    trial = _trial(("I1", "inclusion", "Women of childbearing potential must use effective contraception"))
    result = screen(trial, _patient(sex="male")).criteria[0]
    assert result.verdict == "pass" and result.reason == "not_applicable"
    assert "Does not apply" in result.explanation


def test_registry_and_text_age_limits_that_disagree_give_a_warning():
    trial = _trial(("I1", "inclusion", "Age 18-65 years"), minimum_age="18 Years", maximum_age="60 Years")
    warnings = screen(trial, _patient(age=40)).warnings
    assert any("maximum age is 60" in w and "65" in w for w in warnings)
    agreeing = _trial(("I1", "inclusion", "Age 18-60 years"), minimum_age="18 Years", maximum_age="60 Years")
    assert not screen(agreeing, _patient(age=40)).warnings


def test_a_record_without_criteria_is_undetermined_even_when_the_registry_limits_pass():
    report = screen(_trial(minimum_age="18 Years"), _patient(age=40))
    assert report.overall == "undetermined"


def test_unknown_criteria_list_what_would_settle_them():
    trial = _trial(("E1", "exclusion", "Serum creatinine ≥ 265.2 umol/L"),
                   ("E2", "exclusion", "ALT > 3 x ULN or creatinine > 2 mg/dL"))
    report = screen(trial, _patient(), as_of=date(2026, 11, 20))
    assert report.to_settle[0].item == "creatinine" and report.to_settle[0].criteria == ("E1", "E2")


def test_an_exclusion_that_repeats_an_inclusion_word_for_word_excludes_nobody():
    trial = _trial(("I1", "inclusion", "HbA1c < 6%"), ("E1", "exclusion", "HbA1c < 6%"))
    report = screen(trial, _patient(labs=[{"name": "HbA1c", "value": 5.2, "unit": "%", "date": "2026-11-10"}]))
    assert _verdicts(report) == {"I1": "pass", "E1": "unknown"}
    assert trial.errors["E1"][0].message == "this exclusion repeats inclusion I1 word for word"
