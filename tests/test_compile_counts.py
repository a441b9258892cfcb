"""Counts of episodes ("≥ 2 asthma exacerbations in the past 12 months"): text → rule, what must
stay free text, and how a count is decided from the dated condition entries."""

import pytest

from screening.compile import compile_criterion, parse_rule
from screening.logic import Truth
from screening.patient import patient_from_mapping
from screening.printer import to_text
from screening.rules import unknown_concepts
from screening.units import approximate_between, parse_unit, ureg

from made_up import outcome


@pytest.mark.parametrize("text, kind, rule", [
    # respiratory
    ("≥ 2 asthma exacerbations requiring systemic corticosteroids in the past 12 months", "inclusion",
     "episodes of asthma_exacerbation requiring (medication corticosteroid [systemic]) >= 2 "
     "within 12 months before screening"),
    ("History of ≥ 2 asthma exacerbations in the previous 12 months", "inclusion",
     "episodes of asthma_exacerbation >= 2 within 12 months before screening"),
    ("At least 2 asthma exacerbations requiring hospitalization in the past year", "inclusion",
     "episodes of asthma_exacerbation [hospitalized] >= 2 within 1 years before screening"),
    ("Fewer than 2 asthma exacerbations in the past 12 months", "inclusion",
     "episodes of asthma_exacerbation < 2 within 12 months before screening"),
    ("At least two moderate or severe COPD exacerbations in the 12 months before screening", "inclusion",
     "episodes of copd_exacerbation [moderate or severe] >= 2 within 12 months before screening"),
    ("More than 2 COPD exacerbations within 12 months before screening", "exclusion",
     "episodes of copd_exacerbation > 2 within 12 months before screening"),
    ("No more than 2 COPD exacerbations in the last 12 months", "inclusion",
     "episodes of copd_exacerbation <= 2 within 12 months before screening"),
    ("At least two COPD exacerbations treated with antibiotics in the past year", "inclusion",
     "episodes of copd_exacerbation requiring (medication antibiotic) >= 2 within 1 years before screening"),
    # "at least one" is having had one
    ("at least one COPD exacerbation in the previous year", "inclusion",
     "condition copd_exacerbation within 1 years before screening"),
    # haematology
    ("At least 2 vaso-occlusive crises in the past 12 months", "inclusion",
     "episodes of vaso_occlusive_crisis >= 2 within 12 months before screening"),
    ("≥2 VOCs in the past 12 months", "inclusion",
     "episodes of vaso_occlusive_crisis >= 2 within 12 months before screening"),
    ("Between 2 and 10 vaso-occlusive crises in the past 12 months", "inclusion",
     "episodes of vaso_occlusive_crisis >= 2 within 12 months before screening "
     "and episodes of vaso_occlusive_crisis <= 10 within 12 months before screening"),
    ("≥ 3 HAE attacks in the 3 months before screening", "inclusion",
     "episodes of hae_attack >= 3 within 3 months before screening"),
    # cardiology and neurology
    ("2 or more hospitalizations for heart failure in the past year", "inclusion",
     "episodes of heart_failure_hospitalization >= 2 within 1 years before screening"),
    ("At least one hospitalization for heart failure in the previous 12 months", "inclusion",
     "condition heart_failure_hospitalization within 12 months before screening"),
    ("More than one myocardial infarction", "exclusion", "episodes of myocardial_infarction > 1"),
    ("≥ 2 strokes in the past 5 years", "exclusion", "episodes of stroke >= 2 within 5 years before screening"),
    ("At least 2 myasthenic crises in the past 2 years", "inclusion",
     "episodes of myasthenic_crisis >= 2 within 2 years before screening"),
    ("At least 1 relapse of multiple sclerosis in the previous 12 months", "inclusion",
     "condition ms_relapse within 12 months before screening"),
    # "1 MS" is not one millisecond when a name of several words begins there
    ("≥ 2 MS relapses in the previous 2 years", "inclusion", "episodes of ms_relapse >= 2 within 2 years before screening"),
    ("≥ 1 MS relapse within the past year", "inclusion", "condition ms_relapse within 1 years before screening"),
    ("At least 2 episodes of syncope in the past 6 months", "inclusion",
     "episodes of syncope >= 2 within 6 months before screening"),
    # diabetes and endocrinology: "episodes of hypoglycaemia" are hypoglycaemic episodes
    ("no more than 1 severe hypoglycaemic episode in the last 6 months", "inclusion",
     "episodes of hypoglycemic_episode [severe] <= 1 within 6 months before screening"),
    ("Two or more episodes of severe hypoglycaemia in the past 12 months", "exclusion",
     "episodes of hypoglycemic_episode [severe] >= 2 within 12 months before screening"),
    ("History of more than 1 episode of diabetic ketoacidosis in the past 6 months", "exclusion",
     "episodes of diabetic_ketoacidosis > 1 within 6 months before screening"),
    ("More than 3 adrenal crises in the past year", "exclusion",
     "episodes of adrenal_crisis > 3 within 1 years before screening"),
    # rheumatology, GI, infection
    ("At least 3 gout flares in the past 12 months", "inclusion",
     "episodes of gout_flare >= 3 within 12 months before screening"),
    ("More than 2 episodes of acute pancreatitis", "exclusion", "episodes of acute_pancreatitis > 2"),
    ("≥ 3 UTIs in the last 12 months", "inclusion",
     "episodes of urinary_tract_infection >= 3 within 12 months before screening"),
    # in a list, beside other parts
    ("≥ 2 asthma exacerbations requiring systemic corticosteroids or ≥ 1 asthma exacerbation requiring "
     "hospitalization in the past 12 months", "inclusion",
     "episodes of asthma_exacerbation requiring (medication corticosteroid [systemic]) >= 2 within 12 months before "
     "screening or condition asthma_exacerbation [hospitalized] within 12 months before screening"),
    # two counts, each of its own severity, that share their words: not one count of either
    ("History of ≥ 2 moderate or ≥ 1 severe COPD exacerbations in the past year", "inclusion",
     "episodes of copd_exacerbation [moderate] >= 2 within 1 years before screening "
     "or episodes of copd_exacerbation [severe] >= 1 within 1 years before screening"),
    ("At least 2 moderate COPD exacerbations or 1 severe COPD exacerbation in the previous 12 months", "inclusion",
     "episodes of copd_exacerbation [moderate] >= 2 within 12 months before screening "
     "or episodes of copd_exacerbation [severe] >= 1 within 12 months before screening"),
    ("≥ 2 asthma exacerbations or 1 asthma exacerbation requiring hospitalization in the past 12 months", "inclusion",
     "episodes of asthma_exacerbation >= 2 within 12 months before screening "
     "or episodes of asthma_exacerbation [hospitalized] >= 1 within 12 months before screening"),
    ("≥ 2 vaso-occlusive crises in the past 12 months and hemoglobin ≥ 6 g/dL", "inclusion",
     "episodes of vaso_occlusive_crisis >= 2 within 12 months before screening and hemoglobin >= 6 g/dL"),
])
def test_counts_of_episodes(text, kind, rule):
    compiled = compile_criterion(text, kind).rule
    assert to_text(compiled) == rule
    assert parse_rule(rule) == compiled


@pytest.mark.parametrize("text, kind", [
    # a seizure may be recorded as one lasting entry (epilepsy, "seizures since 2015"): not an episode
    ("≥ 2 seizures in the past year", "inclusion"),
    ("More than 3 seizures in the past 30 days", "exclusion"),
    # relapses or flares of what? of a disease whose flares the vocabulary does not name
    ("≥ 2 relapses in the previous 2 years", "inclusion"),
    ("At least 2 exacerbations in the past year", "inclusion"),
    ("2 or more flares of ulcerative colitis in the past year", "inclusion"),
    # whether "recent" reaches "severe" too is not said
    ("No more than 2 recent moderate or severe asthma exacerbations", "exclusion"),
    # a rate is not a count in a window
    ("≥ 3 UTIs per year", "inclusion"),
    ("≥ 2 attacks per month", "inclusion"),
    # hypoglycaemia needing another person's help: what the entries do not record
    ("More than 2 episodes of hypoglycemia requiring assistance in the past 6 months", "exclusion"),
    # "more than 2 moderate or 1 severe": more than one severe, or exactly one?
    ("More than 2 moderate COPD exacerbations or 1 severe COPD exacerbation in the previous 12 months", "inclusion"),
    ("Hemoglobin ≥ 10 g/dL or 1 severe COPD exacerbation", "exclusion"),
    # how many of them needed hospital care is a count of its own
    ("2 or more COPD exacerbations within the past year, at least one requiring hospitalization", "inclusion"),
    # episodes to come
    ("≥ 2 myocardial infarctions within 6 months after randomization", "exclusion"),
])
def test_what_could_be_miscounted_stays_free_text(text, kind):
    rule = to_text(compile_criterion(text, kind).rule)
    assert rule.startswith("text "), rule


def copd(day, **extra):
    return {"name": "COPD exacerbation", "onset": day, **extra}


TWO_IN_A_YEAR = "episodes of copd_exacerbation >= 2 within 12 months before screening"


def test_episodes_in_the_window_are_counted():
    assert outcome(TWO_IN_A_YEAR, conditions=[copd("2026-03-01"), copd("2026-09-01")]).truth is Truth.TRUE


def test_an_episode_before_the_window_does_not_count():
    result = outcome(TWO_IN_A_YEAR, complete=["conditions"], conditions=[copd("2025-03-01"), copd("2026-09-01")])
    assert result.truth is Truth.FALSE


def test_fewer_recorded_is_unknown_unless_the_list_is_complete():
    one = [copd("2026-09-01")]
    assert outcome(TWO_IN_A_YEAR, conditions=one).truth is Truth.UNKNOWN
    assert outcome(TWO_IN_A_YEAR, complete=["conditions"], conditions=one).truth is Truth.FALSE


def test_the_disease_recorded_may_hide_episodes_a_complete_list_does_not_name_one_by_one():
    # a complete list names the diagnoses; "COPD" alone says nothing of how many exacerbations
    disease = {"name": "COPD", "onset": "2015-01-01"}
    assert outcome(TWO_IN_A_YEAR, complete=["conditions"], conditions=[disease]).truth is Truth.UNKNOWN
    assert outcome(TWO_IN_A_YEAR, complete=["conditions"], conditions=[disease, copd("2026-09-01")]).truth \
        is Truth.UNKNOWN
    at_most_one = "episodes of copd_exacerbation <= 1 within 12 months before screening"
    assert outcome(at_most_one, complete=["conditions"], conditions=[disease]).truth is Truth.UNKNOWN
    # (without the disease, none is recorded and none was had)
    assert outcome(TWO_IN_A_YEAR, complete=["conditions"], conditions=[{"name": "asthma"}]).truth is Truth.FALSE


def test_an_unmatched_name_keeps_a_complete_list_open():
    result = outcome(TWO_IN_A_YEAR, complete=["conditions"],
                     conditions=[copd("2026-09-01"), {"name": "chest flare-up", "onset": "2026-05-01"}])
    assert result.truth is Truth.UNKNOWN


def test_entries_of_the_same_day_are_one_episode_for_sure_and_at_most_two():
    same_day = [copd("2026-09-01"), {"name": "AECOPD", "onset": "2026-09-01"}]
    assert outcome(TWO_IN_A_YEAR, complete=["conditions"], conditions=same_day).truth is Truth.UNKNOWN
    at_most_one = "episodes of copd_exacerbation <= 1 within 12 months before screening"
    assert outcome(at_most_one, complete=["conditions"], conditions=same_day).truth is Truth.UNKNOWN


def test_an_undated_episode_may_or_may_not_be_in_the_window():
    result = outcome(TWO_IN_A_YEAR, complete=["conditions"], conditions=[copd("2026-09-01"), copd(None)])
    assert result.truth is Truth.UNKNOWN


def test_an_episode_that_began_before_the_window_and_ended_in_it_may_count():
    result = outcome(TWO_IN_A_YEAR, complete=["conditions"],
                     conditions=[copd("2026-09-01"), copd("2025-11-01", end="2025-12-10")])
    assert result.truth is Truth.UNKNOWN


def test_an_upper_bound_is_broken_by_the_episodes_recorded_whatever_is_missing():
    at_most_one = "episodes of copd_exacerbation <= 1 within 12 months before screening"
    two = [copd("2026-03-01"), copd("2026-09-01")]
    assert outcome(at_most_one, conditions=two).truth is Truth.FALSE
    assert outcome(at_most_one, conditions=two[:1]).truth is Truth.UNKNOWN
    assert outcome(at_most_one, complete=["conditions"], conditions=two[:1]).truth is Truth.TRUE


def test_a_qualifier_the_entries_do_not_record_leaves_the_count_unknown():
    rule = "episodes of copd_exacerbation [hospitalized] >= 2 within 12 months before screening"
    unrecorded = [copd("2026-03-01"), copd("2026-09-01")]
    assert outcome(rule, complete=["conditions"], conditions=unrecorded).truth is Truth.UNKNOWN
    recorded = [copd("2026-03-01", hospitalized=True), copd("2026-09-01", hospitalized=False)]
    assert outcome(rule, complete=["conditions"], conditions=recorded).truth is Truth.FALSE
    both = [copd("2026-03-01", hospitalized=True), copd("2026-09-01", hospitalized=True)]
    assert outcome(rule, conditions=both).truth is Truth.TRUE


def test_one_of_two_severities_counts():
    rule = "episodes of copd_exacerbation [moderate or severe] >= 2 within 12 months before screening"
    mixed = [copd("2026-03-01", severity="moderate"), copd("2026-09-01", severity="severe")]
    assert outcome(rule, conditions=mixed).truth is Truth.TRUE
    one_mild = [copd("2026-03-01", severity="mild"), copd("2026-09-01", severity="severe")]
    assert outcome(rule, complete=["conditions"], conditions=one_mild).truth is Truth.FALSE


@pytest.mark.parametrize("notes, truth", [
    (["oral prednisone burst", "treated with IV methylprednisolone"], Truth.TRUE),
    # a corticosteroid whose route the note does not give may have been inhaled
    (["oral prednisone burst", "prednisolone"], Truth.UNKNOWN),
    (["oral prednisone burst", "no steroids given, oral antibiotics"], Truth.UNKNOWN),
    (["oral prednisone burst", "oral amoxicillin"], Truth.UNKNOWN),
])
def test_what_an_episode_needed_is_read_from_its_note(notes, truth):
    rule = ("episodes of asthma_exacerbation requiring (medication corticosteroid [systemic]) >= 2 "
            "within 12 months before screening")
    entries = [{"name": "asthma exacerbation", "onset": day, "note": note}
               for day, note in zip(("2026-03-01", "2026-06-01"), notes)]
    assert outcome(rule, complete=["conditions"], conditions=entries).truth is truth


def test_one_severe_episode_is_enough_where_two_moderate_or_one_severe_are_asked():
    rule = to_text(compile_criterion("History of ≥ 2 moderate or ≥ 1 severe COPD exacerbations in the past year",
                                     "inclusion").rule)
    one_severe = [copd("2026-03-01", severity="severe")]
    assert outcome(rule, complete=["conditions"], conditions=one_severe).truth is Truth.TRUE
    one_moderate = [copd("2026-03-01", severity="moderate")]
    assert outcome(rule, complete=["conditions"], conditions=one_moderate).truth is Truth.FALSE


def test_what_an_episode_needed_is_unknown_without_a_note():
    rule = ("episodes of asthma_exacerbation requiring (medication corticosteroid [systemic]) >= 2 "
            "within 12 months before screening")
    two = [{"name": "asthma exacerbation", "onset": "2026-03-01"}, {"name": "asthma attack", "onset": "2026-06-01"}]
    result = outcome(rule, complete=["conditions"], conditions=two)
    assert result.truth is Truth.UNKNOWN
    assert result.missing == ("what each episode of asthma exacerbation was treated with (in its note)",)
    # fewer episodes than asked, in a complete list: however they were treated
    assert outcome(rule, complete=["conditions"], conditions=two[:1]).truth is Truth.FALSE


def test_a_broader_record_may_hold_any_number_of_episodes():
    rule = "episodes of heart_failure_hospitalization >= 2 within 12 months before screening"
    chronic = [{"name": "heart failure", "onset": "2020-10-01", "hospitalized": True}]
    assert outcome(rule, complete=["conditions"], conditions=chronic).truth is Truth.UNKNOWN
    over = [{"name": "heart failure", "onset": "2020-10-01", "end": "2021-01-01"}]
    assert outcome(rule, complete=["conditions"], conditions=over).truth is Truth.FALSE


def test_a_broader_event_is_one_episode_that_may_or_may_not_be_of_the_kind_asked():
    rule = "episodes of ischemic_stroke >= 2 within 5 years before screening"
    strokes = [{"name": "stroke", "onset": "2025-01-01"}, {"name": "ischemic stroke", "onset": "2024-01-01"}]
    assert outcome(rule, complete=["conditions"], conditions=strokes).truth is Truth.UNKNOWN
    assert outcome(rule, complete=["conditions"], conditions=strokes[:1]).truth is Truth.FALSE
    old = [{"name": "stroke", "onset": "2015-01-01"}, strokes[1]]
    assert outcome(rule, complete=["conditions"], conditions=old).truth is Truth.FALSE


def test_an_episode_of_the_disease_is_not_the_disease():
    """An asthma record is the disease, not an exacerbation; nor does it say there were none (a
    problem list marked complete names diagnoses, seldom each exacerbation)."""
    rule = "episodes of asthma_exacerbation >= 1 within 12 months before screening"
    asthma = [{"name": "asthma", "onset": "2010-01-01"}]
    assert outcome(rule, complete=["conditions"], conditions=asthma).truth is Truth.UNKNOWN
    assert outcome(rule, conditions=asthma).truth is Truth.UNKNOWN
    resolved = [{"name": "asthma", "onset": "2010-01-01", "end": "2012-01-01"}]
    assert outcome(rule, complete=["conditions"], conditions=resolved).truth is Truth.FALSE


def test_a_reviewer_s_typo_inside_what_an_episode_needed_is_found():
    rule = parse_rule("episodes of asthma_exacerbation requiring (medication corticosteroidz) >= 2")
    assert unknown_concepts(rule) == ["corticosteroidz"]


# --- rates: a count per period is a measure with the period as its unit -------------------------


@pytest.mark.parametrize("text, kind, rule", [
    ("4 to 14 migraine days per month", "inclusion",
     "monthly_migraine_days >= 4 /month and monthly_migraine_days <= 14 /month"),
    ("Between 4 and 14 monthly migraine days", "inclusion",
     "monthly_migraine_days >= 4 and monthly_migraine_days <= 14"),
    ("migraine days/month ≥ 4", "inclusion", "monthly_migraine_days >= 4 /month"),
    ("At least 15 headache days per month", "inclusion", "monthly_headache_days >= 15 /month"),
    ("≥ 8 headache days per month in the 3 months before screening", "inclusion",
     "monthly_headache_days >= 8 /month within 3 months before screening"),
    ("≥ 8 micturitions per 24 hours", "inclusion", "micturition_frequency >= 8 /24h"),
    ("8 or more micturitions per 24 hours", "inclusion", "micturition_frequency >= 8 /24h"),
    ("Average of at least 8 micturitions/day", "inclusion", "micturition_frequency >= 8 /day"),
    ("≥ 3 urgency episodes per 24 hours", "inclusion", "urgency_episode_frequency >= 3 /24h"),
    # "at least 1" of a rate is a threshold, not having had one
    ("At least 1 UUI episode per day", "inclusion", "uui_episode_frequency >= 1 /day"),
    ("Fewer than 3 spontaneous bowel movements per week", "inclusion", "sbm_frequency < 3 /week"),
    ("< 3 complete spontaneous bowel movements per week", "inclusion", "csbm_frequency < 3 /week"),
    ("Stool frequency ≥ 4 per day", "inclusion", "bowel_movement_frequency >= 4 /day"),
    # an event's own rate (RATE_OF in the lexicon)
    ("at least 4 seizures per 28 days", "inclusion", "seizure_frequency >= 4 /28d"),
    ("≥ 4 seizures per 4 weeks", "inclusion", "seizure_frequency >= 4 /4wk"),
    ("≥ 3 seizures per month", "inclusion", "seizure_frequency >= 3 /month"),
    ("At least 4 HAE attacks per month", "inclusion", "hae_attack_rate >= 4 /month"),
    # a rate per minute is not a diary count: read as before
    ("Heart rate > 100", "exclusion", "heart_rate > 100"),
])
def test_rates(text, kind, rule):
    compiled = compile_criterion(text, kind).rule
    assert to_text(compiled) == rule
    assert parse_rule(rule) == compiled


@pytest.mark.parametrize("text, kind", [
    # no period in the words, nor in the name: per day? per week?
    ("≥ 3 bowel movements", "inclusion"),
    ("Stool frequency ≥ 4", "inclusion"),
    # attacks of what; seizures of which kind (a focal seizure rate is not every seizure's)
    ("≥ 2 attacks per month", "inclusion"),
    ("At least 4 focal seizures per 28 days", "inclusion"),
    ("≥ 2 convulsive seizures per month", "inclusion"),
    ("≥ 3 loose stools per day", "inclusion"),
    # per night is not a fixed period
    ("≥ 2 nocturnal voids per night", "inclusion"),
])
def test_what_could_be_misread_as_a_rate_stays_free_text(text, kind):
    rule = to_text(compile_criterion(text, kind).rule)
    assert rule.startswith("text "), rule


def diary(name, value, unit=None):
    entry = {"name": name, "value": value, "date": "2026-11-01"}
    return {**entry, "unit": unit} if unit else entry


def test_a_rate_named_with_its_period_may_be_recorded_as_a_bare_number():
    rule = "monthly_migraine_days >= 4 /month and monthly_migraine_days <= 14 /month"
    assert outcome(rule, vitals=[diary("monthly migraine days", 8)]).truth is Truth.TRUE
    assert outcome(rule, vitals=[diary("MMD", 20)]).truth is Truth.FALSE


def test_a_rate_whose_name_does_not_say_its_period_needs_a_unit():
    from screening.errors import InputError
    with pytest.raises(InputError, match="unit missing"):
        patient_from_mapping({"id": "P", "vitals": [diary("spontaneous bowel movements", 2)]})


def test_a_rate_converts_between_fixed_periods():
    assert outcome("seizure_frequency >= 4 /28d", vitals=[diary("seizure frequency", 1, "/week")]).truth is Truth.TRUE
    assert outcome("micturition_frequency >= 8 /24h",
                   vitals=[diary("micturitions", 49, "/week")]).truth is Truth.FALSE
    assert outcome("seizure_frequency >= 4 /28d",
                   vitals=[diary("seizure frequency", 4, "per 4 weeks")]).truth is Truth.TRUE


@pytest.mark.parametrize("rule, value, unit", [
    ("seizure_frequency >= 4 /28d", 30, "/month"),      # even far above: a month is not 28 days
    ("monthly_migraine_days >= 4 /month", 8, "/28 days"),
    ("seizure_frequency >= 4 /month", 1, "/day"),
    ("seizure_frequency < 3 /year", 1, "/week"),
])
def test_a_calendar_period_against_a_fixed_one_is_not_decided(rule, value, unit):
    result = outcome(rule, vitals=[diary("seizure frequency" if "seizure" in rule else "migraine days", value, unit)])
    assert result.truth is Truth.UNKNOWN
    assert "calendar period" in result.message


def test_months_and_years_convert_exactly():
    monthly = [diary("seizure frequency", 1, "/month")]
    assert outcome("seizure_frequency >= 12 /year", vitals=monthly).truth is Truth.TRUE


def test_periods_are_read_as_units():
    assert approximate_between("/month", "/28 days") and approximate_between("/day", "/year")
    assert not approximate_between("/week", "/4 weeks") and not approximate_between("/month", "/year")
    assert ureg.Quantity(1, parse_unit("/28 days")).to("1/week").magnitude == pytest.approx(0.25)
    assert parse_unit("/24 hours") == parse_unit("/day")
