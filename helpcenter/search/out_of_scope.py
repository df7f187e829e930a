"""Questions an exchange's help center never answers: market predictions and investment advice.

"Will BTC go up this week?", "现在买什么币好", "今買うならどのコイン", "무슨 코인 사야돼요": no
article answers them, and support may not (it would be investment advice), yet their words
(BTC, buy, coin, price) appear in many articles, so the coverage alone makes them look
answerable. Such a query's confidence is scaled down (`OUT_OF_SCOPE_FACTOR`), so the search
page, the contact form and the chat bot say they have no good match instead of offering a
deposit article. A question about using the exchange in a falling market ("my stop-loss did not
trigger in the crash") is no prediction and keeps its confidence.
"""

import re

from helpcenter.search.analysis import normalise

OUT_OF_SCOPE_FACTOR = 0.3
COIN = r"(?:btc|bitcoin|eth|ether(?:eum)?|sol|xrp|doge|ada|bnb|coins?|tokens?|crypto|altcoins?|it)"
PREDICTION_RE = re.compile(
    "|".join(
        [
            # English: where the price goes, what to buy, why the market moved
            rf"\b(?:will|would|is|are|can|could|does)\b.{{0,25}}\b{COIN}\b.{{0,20}}"
            r"\b(?:go(?:ing)? (?:up|down)|rise|fall|pump|dump|moon|crash|rally|hit \$?\d)",
            rf"\b(?:good|best|worth|safe)\b.{{0,15}}"
            rf"\b(?:investment|invest(?:ing)? in|to buy|{COIN} to)",
            r"\bwhat (?:coins?|tokens?|crypto|altcoins?) (?:should|to|do you recommend|is best)",
            r"\bshould i (?:buy|sell|invest|hold)\b",
            r"\bprice (?:prediction|forecast|target|outlook)\b|\bbuy the dip\b",
            r"\bwhy (?:did|is|was|are)\b.{0,20}\b(?:market|price|btc|bitcoin|eth|crypto)\b.{0,20}"
            r"\b(?:drop|dump|crash|fall|pump|going down|going up|down|up)\b",
            # Chinese (folded to simplified)
            r"(?:会|能|还会|要)(?:涨|跌|暴涨|暴跌|回升|反弹)|涨吗|跌吗|买(?:什么|哪个|哪些)币|什么币好|"
            r"值得(?:买|投资|入手)|能不能买|抄底|价格预测|走势|行情怎么|为什么(?:又|今天)?(?:大跌|暴跌|跌|涨|大涨)",
            # Japanese
            r"上がり(?:ます|そう)|下がり(?:ます|そう)|上がる(?:の|か)|下がる(?:の|か)|買うなら|"
            r"おすすめ(?:の)?(?:コイン|銘柄|通貨)|投資(?:すべき|したほうが|先)|買い時|売り時|"
            r"(?:なんで|なぜ|何で).{0,6}(?:暴落|急落|下が|上が)|価格予想|値上がり",
            # Korean
            r"오를까|떨어질까|오르나요|떨어지나요|오를 ?거|떨어질 ?거|무슨 ?코인 ?사|뭐 ?사야|"
            r"(?:사도|투자해도) ?(?:되나요|될까요|돼요)|살까요|팔까요|왜 ?(?:폭락|떨어|급락|올라)|"
            r"가격 ?예측|전망|추천 ?코인|코인 ?추천",
        ]
    ),
    re.IGNORECASE,
)


def asks_for_a_prediction(query: str) -> bool:
    """Whether the query asks where prices go or what to invest in."""
    # Chinese is matched simplified; Japanese kanji keep their form (買, 時) in the raw casefold.
    return any(PREDICTION_RE.search(text) for text in (normalise(query), query.casefold()))
