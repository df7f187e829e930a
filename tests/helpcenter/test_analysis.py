"""The analysers: the same text in any script form yields the tokens the index holds."""

from hypothesis import given, settings
from hypothesis import strategies as st

from helpcenter.search import engine
from helpcenter.search.analysis import normalise, script_languages, tokens
from helpcenter.search.engine import edit_distance
from helpcenter.search.index import MAX_OCCURRENCES, occurrences, snippet_lines


def test_chinese_keeps_jieba_words_and_character_bigrams():
    found = tokens("提币手续费")
    assert "提币" in found
    assert "手续费" in found
    assert "币手" in found  # the bigram across the word boundary


def test_traditional_chinese_folds_to_simplified():
    assert tokens("提幣手續費") == tokens("提币手续费")
    assert normalise("實名認證") == "实名认证"


def test_korean_word_without_particle_matches_the_bare_word():
    assert "출금" in tokens("출금이")
    assert "출금" in tokens("출금하기")
    assert tokens("출금") == ["출금"]


def test_japanese_keeps_kanji_words_and_drops_hiragana_only_bigrams():
    found = tokens("出金できない")
    assert "出金" in found
    assert "でき" not in found


def test_latin_text_is_casefolded_stemmed_and_stripped_of_accents():
    assert tokens("Café WITHDRAWALS") == ["cafe", "withdraw"]
    assert tokens("ＫＹＣ") == ["kyc"]
    assert tokens("the and of") == []


def test_mixed_script_query_points_to_each_language():
    assert script_languages("KYC审核一直pending") == {"en", "zh-hans"}
    assert script_languages("本人確認が否認されました") == {"ja"}
    assert script_languages("출금 취소") == {"ko"}


def test_edit_distance_counts_transpositions_as_one_edit():
    assert edit_distance("cashe", "cache", 2) == 1
    assert edit_distance("pasword", "password", 2) == 1
    assert edit_distance("fees", "feés", 1) == 1
    assert edit_distance("withdrawl", "withdraw", 1) == 1


def test_postings_count_title_body_and_question_occurrences_apart():
    counts = occurrences(["kyc", "kyc"], ["it's", "kyc", "x" * 201], ["kyc", "stuck"])
    assert counts == {"kyc": (2, 1, 1), "it's": (0, 1, 0), "stuck": (0, 0, 1)}


def test_a_token_counts_at_most_max_occurrences_title_first_then_questions():
    counts = occurrences(["fee"] * 200, ["fee"] * 200, ["fee"] * 40)
    assert counts == {"fee": (200, MAX_OCCURRENCES - 240, 40)}


def test_snippet_lines_drop_markdown_and_short_lines_and_keep_their_tokens():
    lines = snippet_lines("## Fees\n- **Withdrawal fees** depend on the network used.\nShort one")
    assert lines == [
        (
            "Withdrawal fees depend on the network used.",
            ["withdraw", "fee", "depend", "network", "use"],
        )
    ]


def _every_group_named(query: str) -> list[tuple[tuple, tuple]]:
    """The synonym groups a query names, found by trying every phrase of every group."""
    text = " " + " ".join(normalise(query).split()) + " "
    found = []
    for phrases in engine._synonym_table():
        own = [found_ for phrase, found_ in phrases if found_ and engine._contains(text, phrase)]
        if own:
            found.append((tuple(found_ for _phrase, found_ in phrases if found_), tuple(own)))
    return found


PHRASES = [phrase for group in engine._synonym_table() for phrase, _tokens in group]


@settings(max_examples=300, deadline=None)
@given(
    parts=st.lists(
        st.one_of(
            st.sampled_from(PHRASES), st.text(max_size=6), st.sampled_from([" ", "の", "이"])
        ),
        max_size=6,
    )
)
def test_the_groups_a_query_names_are_found_by_their_phrases_first_characters(parts):
    query = "".join(parts)
    assert engine._synonym_groups(query) == _every_group_named(query)
