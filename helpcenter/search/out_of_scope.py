"""Questions an exchange's help center never answers: market predictions and investment advice,
and questions about another company's service.

"Will BTC go up this week?", "现在买什么币好", "今買うならどのコイン", "무슨 코인 사야돼요": no
article answers them, and support may not (it would be investment advice), yet their words
(BTC, buy, coin, price) appear in many articles, so the coverage alone makes them look
answerable. Such a query's confidence is scaled down (`OUT_OF_SCOPE_FACTOR`), so the search
page, the contact form and the chat bot say they have no good match instead of offering a
deposit article. A question about using the exchange in a falling market ("my stop-loss did not
trigger in the crash") is no prediction and keeps its confidence.

The same holds for a question about someone else's service: another exchange's fees or
verification ("bitFlyerの手数料", "빗썸 본인인증"), a wallet's lost password or seed phrase
("metamask forgot password", "imtoken助记词丢了"), an email, chat or payment account ("LINEの
パスワード", "微信支付密码", "카카오톡 비밀번호"). Our articles share their words (fee, password,
2FA) but not their answers. Moving funds between that service and us ("withdraw to my
metamask", "从币安转过来没到账") is ours, and so is mail from us not arriving in a mailbox
("no code in my gmail"), and so is someone there posing as our support ("카톡으로 고객센터라고
연락왔는데").
"""

import re

from helpcenter.search.analysis import normalise

OUT_OF_SCOPE_FACTOR = 0.2
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


# Names in Latin letters stand alone: "coincheckの" has no word boundary before の.
OTHER_NAMES = (
    # other exchanges
    "binance|okx|okex|bybit|coinbase|kraken|kucoin|huobi|htx|gate\\.io|bitget|mexc|upbit|"
    "bithumb|coinone|korbit|bitflyer|coincheck|bitopro|max ?交易所|other exchanges?|"
    # wallets
    "metamask|trust ?wallet|imtoken|ledger|trezor|phantom|exodus|tokenpocket|tp钱包|"
    # mail, chat, social and payment accounts, phones
    "gmail|naver|kakaotalk|facebook|instagram|ig ?(?:account|帐号|账号)|wechat|qq ?号|alipay|"
    "paypal|apple id|icloud|iphone passcode|line ?pay|line(?=の)"
)
OTHER_SERVICE_RE = re.compile(
    rf"(?<![a-z0-9])(?:{OTHER_NAMES})(?![a-z0-9])|"
    r"币安|欧易|火币|他の取引所|别的交易所|其他交易所|冷钱包|小狐狸|微信|支付宝|"
    r"업비트|빗썸|코인원|코빗|다른 거래소|메타마스크|렛저|네이버|카카오톡|카톡|"
    r"ビットフライヤー|コインチェック|メタマスク",
    re.IGNORECASE,
)
# Funds moved between that service and us, or our mail not arriving there: ours to answer.
BETWEEN_US_RE = re.compile(
    r"\b(?:deposit\w*|withdr[ae]w\w*|transfer\w*|send|sent|sending|move[ds]?|moving|bridg\w*|"
    r"receiv\w*|arriv\w*|codes?|get (?:the|any|a|my)? ?(?:email|mail)|got no|"
    # someone there claiming to be us: an impersonator
    r"contact\w*|dm\w*|messag\w*|support|pretend\w*|claim\w*)\b|客服|联系|加我|冒充|"
    r"연락|고객센터|상담|사칭|連絡|サポート|名乗|"
    r"充|提|转|打到|收不到|没收到|收到|"
    r"입금|출금|송금|전송|보내|보냈|보낸|들어오|들어와|반영|안 ?와|안 ?옴|못 ?받|"
    r"入金|出金|送金|送っ|送り|移し|移す|届か|来ない|来ません",
    re.IGNORECASE,
)


# Not a question about using the exchange at all: a job, a business proposal or a token listing,
# mining or issuing a token, a feature wish. An exchange answers these by a form or a page of
# its own, not by a help article.
NOT_SUPPORT_RE = re.compile(
    r"\b(?:are you|you) hiring\b|\bjob (?:opening|application)s?\b|\bcareers?\b|"
    r"\bpartnership\b|\blist (?:our|my) (?:token|coin|project)\b|"
    r"\blisting (?:request|application)\b|"
    r"\bmin(?:e|ing) (?:bitcoin|btc|crypto|eth)\b|\b(?:create|launch|issue|make) (?:my|our|a) "
    r"(?:own )?(?:token|coin)\b|\bdark mode\b|"
    r"招聘|应聘|招人|招不招|徵人|征人|履历|合作|上币|挖矿|发币|发行.{0,4}代币|夜间模式|深色模式|"
    r"채용|입사|이력서|제휴|상장 ?문의|상장 ?신청|채굴|토큰.{0,6}발행|코인.{0,6}발행|다크 ?모드|"
    r"採用|求人|履歴書|提携|協業|上場申請|上場し(?:て|たい)|マイニング|トークン.{0,4}発行|ダークモード",
    re.IGNORECASE,
)


def is_not_a_support_question(query: str) -> bool:
    """A job, a business proposal, a listing, mining, issuing a token or a feature wish."""
    return any(NOT_SUPPORT_RE.search(text) for text in (normalise(query), query.casefold()))


def asks_about_another_service(query: str) -> bool:
    """Whether the query is about another exchange's, wallet's or app's own service."""
    texts = (normalise(query), query.casefold())
    if not any(OTHER_SERVICE_RE.search(text) for text in texts):
        return False
    return not any(BETWEEN_US_RE.search(text) for text in texts)


def asks_for_a_prediction(query: str) -> bool:
    """Whether the query asks where prices go or what to invest in."""
    # Chinese is matched simplified; Japanese kanji keep their form (買, 時) in the raw casefold.
    return any(PREDICTION_RE.search(text) for text in (normalise(query), query.casefold()))
