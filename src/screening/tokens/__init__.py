"""Criterion text → grammar tokens: the first stage of compiling.

1. :func:`normalise` (:mod:`.normalise`) — markdown escapes, unicode comparators, decimal commas and
   thousands separators, keeping a map back to the verbatim characters so spans point at the
   source words;
2. :func:`tokenize` — the vocabulary (concept names, longest first) and ``grammars/lexicon.yaml``
   (function words) turn the text into grammar terminals and numbers take their units
   (:mod:`.lexicon`); then passes settle phrases that read as one and words whose role depends
   on their neighbours, grouped by topic: :mod:`.measures` (thresholds, grades, scales),
   :mod:`.people` (age, sex, pregnancy, contraception), :mod:`.treatment` (courses, washouts,
   lines), :mod:`.cancer` (cycles, doses of radiation, progression on lines, remission),
   :mod:`.periods` (durations, rates, windows), :mod:`.substances` (alcohol, drug screens, allergens),
   :mod:`.heads` (general heads and their examples), :mod:`.wording` (lists, exceptions),
   :mod:`.phrases`, :mod:`.context` and :mod:`.folding` (what the neighbours decide);
3. :func:`clauses` (:mod:`.clauses`) — the tokens are cut at top-level ``;`` and sentence ends, so
   that each clause is parsed on its own and one unreadable clause cannot sink the criterion;
   :func:`tidy` drops what frames a clause without constraining it.
"""

from __future__ import annotations

import re

from lark import Token

from ..vocabulary import load_vocabulary
from .cancer import cancer_wording, lines_said_of
from .capacity import FALLING_SHORT, capacities
from .clauses import DEFINABLE_QUALIFIERS, clauses, only_words, tidy
from .context import ambiguous_abbreviations, in_context
from .lexicon import (
    AFTER_NUMBER, COMPARATORS, ENTITY_TERMINALS, LEADING_TIMES, PEOPLE, SCIENTIFIC, after_class_name,
    episode_concept, load_lexicon, normal_means_not_high, read_unit, split_pieces, token,
)
from .measures import (
    WILLING, abbreviated_classes, alternative_limits, caveats_after_the_value, condition_value_lists,
    grade_phrases, history_amounts, level_words, limits_for_the_excepted, measure_wordings, measured_while,
    measures_with, names_after_a_way_of_measuring, negative_numbers, persistent_values, proxies,
    scale_of_the_value, shared_comparators, snellen_fractions, test_before, thresholds_by_sex, units_per_body_surface,
    unresolved_toxicity, values_at_a_moment, values_at_an_anchor, within_range,
)
from .features import features_of_conditions
from .negation import had_no
from .drugs import WHICH_DRUGS, drug_lists, prescribed_or_not
from .normalise import Normalised, normalise
from .people import (
    LOST_LOWER_BOUND, able_to_conceive_during, age_bounds, age_with, ages_by_word, ages_of_age, ages_of_patients,
    ages_of_those_with, ages_with_a_lost_bound,
    breastfeeding_partner_included, childbearing_items, childbearing_said_apart, contraception_said_again,
    contraception_periods, item_labels, not_childbearing_or, patients_with, pregnancy_or_fathering_planned,
    pregnant_with, sexed_statuses, sterile_or_contracepting, unwilling_to_stop,
    subgroup_after_sex, women_planning, women_with,
)
from .periods import (
    calendar_days, counted_from_anchor, dated_diagnoses, diagnosed_long_ago, durations, during_or_before, elliptic_counts,
    during_or_within, named_study_start, now_or_before, past_without_a_length, rates, repeated_visits, since_diagnosis,
    windows_per_item,
)
from .phrases import cancer_stages
from .studies import studies_and_procedures
from .substances import substances
from .heads import general_heads
from .treatment import (
    advanced_disease_treated, as_standard_care, bracketed_doses, completed_before, counted_regimens, dose_ranges,
    drug_allergies, except_for_purpose, expected_to_require, exposures, half_lives, last_dose_was, lines_but_no_more,
    naive_to, no_response, off_for, placement_excepted, planned_too, progressed_on, reactions_to_those,
    recovered_after_washout, recovered_from, stable_drugs, standard_therapy, stopped_for_toxicity, substances_given,
    taking_any, treated_with, treatment_lists, trial_of, washout_of, washouts_joined_by_or,
)
from .wording import (
    adjective_commas, caveat_words, choice_first, class_lists_end, comply_lists, heads_of_listed_items,
    kind_named_after, kind_named_with_class, numbered_siblings, organs_after_one_head, organs_sharing_a_name, repeated_names, site_of_a_disease,
    trailing_conditions, unless_negative, unless_words,
)


__all__ = [
    "COMPARATORS", "DEFINABLE_QUALIFIERS", "ENTITY_TERMINALS", "FALLING_SHORT", "LOST_LOWER_BOUND", "WILLING", "Normalised", "PEOPLE", "clauses", "episode_concept",
    "WHICH_DRUGS", "normal_means_not_high", "normalise", "only_words", "tidy", "tokenize",
]


def tokenize(norm: Normalised) -> list[Token]:
    """Grammar terminals for normalised criterion text (filler words dropped)."""
    lex = load_lexicon()
    vocab = load_vocabulary()
    text = norm.text
    pieces = split_pieces(text)
    tokens: list[Token] = []
    i = 0

    def emit(terminal: str, value: str, start: int, end: int) -> None:
        tokens.append(token(terminal, value, start, end))

    while i < len(pieces):
        p = pieces[i]
        if p.kind == "num":
            # a titre: 1:80
            if p.text == "1" and i + 2 < len(pieces) and pieces[i + 1].text == ":" and pieces[i + 2].kind == "num" \
                    and pieces[i + 1].start == p.end and pieces[i + 2].start == pieces[i + 1].end:
                emit("TITRE", pieces[i + 2].text, p.start, pieces[i + 2].end)
                i += 3
                continue
            entry = lex.match(pieces, i)  # names that start with a number: "24-hour urine protein"
            if entry is not None and entry.from_vocabulary:
                end = pieces[i + len(entry.keys) - 1].end
                emit(entry.terminal, entry.value, p.start, end)
                i += len(entry.keys)
                continue
            emit("NUMBER", p.text, p.start, p.end)
            i += 1
            scientific = SCIENTIFIC.match(text, p.end)
            if not scientific and i < len(pieces):
                after = lex.match(pieces, i, only=AFTER_NUMBER)
                if after is not None:
                    continue
            name = lex.match(pieces, i) if i < len(pieces) else None
            if name is not None and name.from_vocabulary and len(name.keys) > 1:
                continue  # "≥ 1 MS relapse": a name of several words, not "1 ms" and a word
            unit = read_unit(text, p.end, lex.bare_units)
            if unit is not None:
                unit_text, unit_end = unit
                unit_start = p.end + (len(text[p.end:]) - len(text[p.end:].lstrip(" ")))
                # "kg / m2", "mL/min/1.73 m2": one unit, written as one word (which is how the
                # rule language prints it and reads it back)
                emit("UNIT", re.sub(r"\s+", "", LEADING_TIMES.sub("", unit_text)), unit_start, unit_end)
                while i < len(pieces) and pieces[i].start < unit_end:
                    i += 1
            continue
        entry = lex.match(pieces, i)
        if entry is not None:
            end = pieces[i + len(entry.keys) - 1].end
            if entry.terminal != "filler":
                emit(entry.terminal, entry.value, p.start, end)
            elif i > 0 and pieces[i - 1].kind == "num" and pieces[i - 1].end == p.start and len(entry.keys) == 1:
                emit("WORD", p.text, p.start, end)  # "genotype 1a", "stage 3a": a subtype, not an article
            elif p.text == "A" and after_class_name(tokens):
                emit("WORD", "A", p.start, end)  # "Child-Pugh class A": a value, not an article
            i += len(entry.keys)
            continue
        if p.kind == "word":
            emit("WORD", p.text, p.start, p.end)
        elif p.text == ".":
            emit("PERIOD", ".", p.start, p.end)
        elif p.text == "+":
            emit("PLUS", "+", p.start, p.end)
        i += 1
    tokens = general_heads(substances(calendar_days(tokens, text), text), text)
    tokens = unresolved_toxicity(grade_phrases(negative_numbers(proxies(capacities(exposures(tokens)))), text), text)
    tokens = ambiguous_abbreviations(tokens, vocab, text)
    tokens = in_context(cancer_stages(abbreviated_classes(tokens, text), vocab, text), vocab, text)
    tokens = numbered_siblings(durations(stable_drugs(tokens, text), text), vocab, text)
    tokens = kind_named_with_class(unless_words(tokens, vocab, text), vocab, text)
    tokens = organs_after_one_head(organs_sharing_a_name(tokens, vocab, text), vocab, text)
    tokens = kind_named_after(site_of_a_disease(tokens, vocab, text), vocab, text)
    tokens = studies_and_procedures(tokens, text, vocab)
    # passes that only read the tokens around them, in this order
    tokens = measured_while(elliptic_counts(rates(tokens, text)))
    tokens = since_diagnosis(during_or_within(named_study_start(half_lives(tokens, text), text), text), text)
    for settle in (units_per_body_surface, comply_lists, adjective_commas, trailing_conditions, repeated_names, ages_of_age,
                   ages_with_a_lost_bound, age_bounds, item_labels, childbearing_said_apart,
                   pregnancy_or_fathering_planned, contraception_said_again, contraception_periods, not_childbearing_or,
                   breastfeeding_partner_included, subgroup_after_sex, women_planning, able_to_conceive_during,
                   sterile_or_contracepting, unwilling_to_stop, childbearing_items, within_range, shared_comparators,
                   test_before, counted_from_anchor, ages_by_word, ages_of_patients, women_with, pregnant_with,
                   age_with, dated_diagnoses, past_without_a_length, diagnosed_long_ago, history_amounts, thresholds_by_sex,
                   names_after_a_way_of_measuring, caveat_words, values_at_an_anchor, measure_wordings, level_words,
                   limits_for_the_excepted,
                   alternative_limits, choice_first, bracketed_doses, dose_ranges, during_or_before, planned_too,
                   off_for, expected_to_require, unless_negative, repeated_visits, no_response, substances_given,
                   lines_but_no_more):
        tokens = settle(tokens)
    tokens = cancer_wording(tokens, text, vocab)
    # passes that also read the words between the tokens, in this order
    for settle_in_text in (caveats_after_the_value, values_at_a_moment, ages_of_those_with, heads_of_listed_items,
                           patients_with, now_or_before, treated_with, naive_to, washout_of, counted_regimens,
                           advanced_disease_treated, progressed_on, lines_said_of, recovered_from, except_for_purpose,
                           stopped_for_toxicity, scale_of_the_value, reactions_to_those, drug_allergies):
        tokens = settle_in_text(tokens, text)
    tokens = standard_therapy(as_standard_care(tokens, text), vocab, text)
    tokens = placement_excepted(trial_of(taking_any(prescribed_or_not(tokens, text), text, vocab), vocab, text), text)
    tokens = drug_lists(treatment_lists(tokens), text)  # (treatment_lists: the REQUIRING that treated_with adds)
    for settle_in_text in (last_dose_was, completed_before, sexed_statuses, snellen_fractions, measures_with, persistent_values,
                           windows_per_item):
        tokens = settle_in_text(tokens, text)
    tokens = features_of_conditions(had_no(tokens, text), text)
    return class_lists_end(condition_value_lists(recovered_after_washout(washouts_joined_by_or(tokens))))
