"""Frequent English words: a run of BIP39 words made mostly of these is a sentence, not a seed."""


def word_set(text: str) -> frozenset[str]:
    """The whitespace-separated words of `text` (keeps long vocabularies readable)."""
    return frozenset(text.split())


COMMON_ENGLISH = word_set(
    """
    a about above account accounts across act action actually add address after again against
    age ago agree ahead all allow almost alone along already also always am amount an and
    another answer any anyone anything app apps are area around arrive arrived as ask asked at
    available away back bad balance bank be because been before begin behind being below best
    better between big bit both bought box bring broken btc but buy by call called came can
    cancel cannot card care case cash change changed charge check checked city claim clear close
    code coin coins come coming company complete confirm confirmed contact correct cost could
    country couple course credit crypto current customer day days deal dear debit deposit
    deposited did different do does doing done dont down during each early easy either else
    email end enough error even ever every everything exchange exactly fail failed family far
    fast fee fees few file find fine first fix fixed for found free friend friends from full
    fund funds game gave get getting give given go going gone good got great group had half
    happen happened happy hard has have having he hello help her here hi high him his hold home
    hope hour hours house how however i id if important in info information into is issue issues
    it its job just keep key kind know known large last late later least leave left less let
    level life like line link list little live local lock locked log login long look looking
    lose lost lot love low made mail main make many market may me mean member message method
    might mind minute minutes miss missing moment money month months more morning most move much
    must my name need needed network never new next nice night no none not note nothing now
    number of off offer office often ok okay old on once one only open or order other our out
    over own page paid part pass password past pay payment people per person phone pick place
    plan platform please point policy possible post problem process program proof put question
    quick quickly quite rather reach read ready real really reason receive received recent reply
    report request required reset right room run safe said same saw say second security see seem
    seen send sending sent service set several she should show side sign simple since site small
    so some someone something soon sorry speak staff start state status still stop story such
    support sure system take taken talk team tell than thank thanks that the their them then
    there these they thing things think this those though thought through time today together
    told too took top total transfer tried true try trying turn twice two under understand until
    up update upon us use used user using very via wait waiting want wanted was way we week
    weeks well went were what when where whether which while who why will wish with within
    without word words work working world would write wrong year years yes yesterday yet you
    your
    """
)
