"""Cases only a person can handle, whatever the customer asked for.

An article cannot reverse a trade, pay compensation, settle a P2P dispute, take a complaint,
deal with a deceased customer's account, answer the police or a court, or write a letter about
an account. A message that reports such a case, or asks us to act on it ("please handle this",
请处理, 처리해 주세요, 対応してください), goes to a person. A how-to question about the same
topics ("how do I file an appeal?") stays with the help center: the demand, not the topic,
decides.
"""

import re
import unicodedata

from support.text.cantonese import to_mandarin


def _compile(patterns: list[str]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


# Topics that always need a person: bereavement, the police and the courts.
ALWAYS = _compile(
    [
        r"\b(?:passed away|died|deceased|death certificate|estate of|executor|inheritance(?! tax)|"
        r"next of kin)\b",
        r"\b(?:police|law enforcement|subpoena|court order|warrant|investigator|prosecutor|"
        r"attorney|lawyer|solicitor|law firm|legal (?:request|action|notice|demand)s?|on behalf "
        r"of (?:a|my|our) client)\b",
        r"去世|过世|過世|逝世|身故|离世|離世|遗产(?!税)|遺產(?!稅)|继承(?!税)|繼承(?!稅)|死亡证明|死亡證明",
        # A relative "gone" or "no longer here" (爸爸走了, 母親不在了, lost my husband).
        r"(?:父亲|父親|母亲|母親|爸爸|妈妈|媽媽|老公|丈夫|妻子|老婆|家人|亲人|親人|儿子|兒子|女儿|女兒|爷爷"
        r"|爺爺|奶奶)(?:已经|已經)?(?:走了|不在了|没了|沒了)",
        r"\blost my (?:father|mother|dad|mom|mum|husband|wife|son|daughter|brother|sister"
        r"|partner)\b|\bno longer with us\b",
        r"公安|警方|警察|法院|律师|律師|检察|檢察|调取|調取|司法|协查|協查",
        r"돌아가(?:셨|신)|사망|별세|상속(?!세)|유족|경찰|수사|법원|검찰|변호사|영장",
        r"亡くな|死亡|逝去|相続(?!税)|遺族|警察|捜査|裁判所|弁護士|検察|令状|文書提出命令",
        # The rest of law enforcement by its ranks and its requests ("Detective…, an open
        # investigation", 派出所員警, 案件需要調閱).
        r"\b(?:detective|det\.|sergeant|sgt\.?|constable|officer (?:of|from|at|with) (?:the )?"
        r"(?:police|department|unit)|fbi|interpol|(?:criminal|open|ongoing|active) investigation"
        r"|(?:records|data|information|disclosure|preservation) request (?:for|on|about|regarding)"
        r"|request (?:records|information|data) (?:on|about|for|regarding) (?:one of your|a) "
        r"(?:users?|customers?|account holders?))\b",
        r"派出所|员警|員警|警员|警員|警官|刑警|侦查|偵查|案件.{0,8}(?:调阅|調閱|调查|調查|协助|協助)",
        r"형사|수사관|수사\s*협조|사건.{0,8}(?:자료|조회|협조)",
        r"刑事|警察官|捜査(?:関係事項)?照会|事件.{0,8}(?:照会|資料)",
        # Someone acting for another customer by law: a guardian, a power of attorney, a court
        # ruling in a divorce; and the press, who need a spokesperson.
        r"\b(?:legal guardian|guardianship|conservator(?:ship)?|power of attorney|"
        r"divorce|custody (?:order|ruling)|court ruling|journalist|reporter|press (?:inquiry"
        r"|enquiry|office)|media (?:inquiry|enquiry|request)|(?:newspaper|magazine|news site|"
        r"podcast)\b.{0,30}\b(?:story|article|piece|comment))\b",
        r"监护人|監護人|监护权|監護權|委托书|委託書|授权书|授權書|法定代理|离婚|離婚|判决|判決|记者|記者"
        r"|采访|採訪|报社|報社",
        r"후견인|후견|위임장|법정\s*대리인|이혼|판결|기자|취재|언론",
        r"後見人|成年後見|後見|委任状|法定代理人|離婚|判決|記者|取材|報道機関",
    ]
)

# Things only staff can do for the customer: review, reverse, compensate, refund, certify,
# settle a dispute, take a complaint.
ACTIONS = _compile(
    [
        r"\b(?:reverse[sd]?|reversal|roll ?back|cancel the trade|compensat\w*|reimburs\w*|"
        r"refund\w*|make (?:me|it) whole|review(?:ed)? (?:this|my|the) (?:trade|order|case)|"
        r"trade (?:reviewed|investigated))\b",
        r"\b(?:letter|certificate|statement|confirmation)\b.{0,30}\b(?:balance|account|funds|"
        r"holdings)\b.{0,40}\b(?:mortgage|bank|visa|court|tax office|embassy|loan|auditor)\b",
        r"\b(?:file|make|lodge|raise|submit) (?:a|an|my) (?:formal )?(?:complaint|dispute)\b"
        r"(?!.{0,10}\?)|\bi (?:want|need|would like|wish) to (?:complain|file a complaint|"
        r"dispute)\b|\bi(?:'m| am) (?:filing|making|lodging) a complaint\b",
        r"\b(?:close|merge|transfer|move)\b.{0,20}\b(?:company|corporate|business|"
        r"institutional)\b.{0,20}\baccount\b",
        r"(?:补偿|補償|赔偿|賠償|退款|退还|退還|撤销|撤銷|回滚|回滾)(?:给我|給我)?|"
        r"(?:退回来|退回來|退给我|退給我|还给我|還給我|还我|還我)|多扣(?:了|我)|"
        r"(?:取消|撤回)(?:这笔|這筆|那笔|那筆)(?:交易|订单|訂單|成交)|"
        r"(?:审查|審查|复查|複查|重新审核|重新審核)(?:这|這|我的)?(?:笔|筆)?(?:交易|订单|訂單)",
        r"(?:我要|我想|想要)(?:投诉|投訴|客诉|客訴|申诉|申訴)|(?:投诉|投訴|客诉|客訴)(?:你们|你們)",
        # Contesting a decision or a trade: an appeal, an objection, "I do not accept it".
        r"\bi (?:want|need|would like|wish) to (?:appeal|contest|challenge|object to)\b"
        r"|\b(?:file|make|lodge|raise|submit) (?:a|an|my) (?:formal )?(?:appeal|objection)\b"
        r"(?!.{0,10}\?)|\bi (?:dispute|contest|challenge|reject|do not accept|don'?t accept"
        r"|object to)\b|\b(?:not satisfied|unsatisfied|dissatisfied|unhappy|not happy) with\b"
        r".{0,40}\b(?:complaint|decision|outcome|result|handling|response|answer)",
        r"(?:我要|我想|想要|要求|我希望)[^。！!？?]{0,12}(?:申诉|申訴|覆核|复核|複核|复议|復議|异议|異議)"
        r"|(?:提出|申请|申請)(?:覆核|复核|複核|复议|復議|异议|異議)|我?(?:不认可|不認可|不接受|不服)"
        r"|(?:必须|必須|得|应该|應該)(?:赔|賠)(?!率)|(?:赔|賠)(?:我|给我|給我)",
        r"異議(?:申し立て|申立)(?:を)?(?:したい|します|させて|いたし|お願い)|不服(?:です|があ|を申)"
        r"|納得(?:でき|いか)(?:ない|ません)",
        r"(?:余额|餘額|资产|資產|持仓|持倉)(?:证明|證明)|(?:企业|企業|公司|法人)(?:账户|帳戶|账号|帳號)"
        r".{0,12}(?:注销|註銷|关闭|關閉|转|轉)",
        r"보상|배상|환불|취소\s*(?:해\s*(?:주|달)|요청|신청|부탁|원합니다|해\s*줘)"
        r"|(?:민원|클레임|이의)\s*(?:넣|제기|신청|걸)"
        r"(?:\s*하)?(?:고\s*싶|려고|겠|합니다|할게)|(?:잔고|잔액|자산)\s*증명|법인\s*(?:계정|계좌)",
        r"補償|賠償|返金|取り消して|取り?消し(?:を)?(?:依頼|お願い|求め|希望)|キャンセルして(?:ください|ほしい)"
        r"|(?:見直し|調査|再審査)を(?:求め|お願い|して)|苦情を"
        r"|苦情(?:を)?(?:申し立て|言いたい|入れたい)|(?:残高|資産)証明|法人(?:口座|アカウント)",
        # A dispute with a P2P counterparty or a frozen account the customer wants explained.
        r"\b(?:p2p|counterparty|buyer|seller|merchant)\b.{0,80}\b(?:dispute|appeal|never paid|"
        r"didn'?t pay|not paid|chargeback|scamm?ed me|won'?t release|(?:never|didn'?t|did not|"
        r"hasn'?t|has not|won'?t) (?:paid|pay|sent|send|released?|transferred))\b",
        r"(?:p2p|买家|買家|卖家|賣家|对方|對方|商家).{0,40}(?:申诉|申訴|退款|拒付|未付|没付|沒付|"
        r"不放币|不放幣|纠纷|糾紛)",
        r"(?:p2p|상대방|구매자|판매자).{0,40}(?:분쟁|이의|입금\s*안|송금\s*안|환불)",
        r"(?:p2p|相手|買い手|売り手).{0,40}(?:異議|紛争|支払われ|入金されない|返金|支払って(?:くれ)?"
        r"(?:ない|ません)|払わない|払ってくれ|送金してくれ|コインを(?:渡|リリース)さ)",
    ]
)

# Asking us to act now, in the imperative: combined with a case above or a frozen account.
DEMAND = _compile(
    [
        r"\b(?:please (?:handle|look into|check|fix|deal with|investigate|someone)|look into "
        r"(?:this|it)|deal with (?:this|it)|who (?:handles|deals with|do i contact|can i contact)"
        r"|i (?:demand|want (?:this|it|an?|my))\b)",
        r"(?:请|請|麻烦|麻煩|帮我|幫我)(?:你们|你們)?(?:处理|處理|查|核实|核實|解决|解決)|联系谁|聯繫誰"
        r"|找谁|找誰|(?:我要|要求)(?:补偿|補償|赔偿|賠償|解释|解釋|说法|說法)",
        r"처리\s*(?:해|해\s*주|부탁)|확인\s*(?:해\s*주|부탁)|요구합니다|어디로?\s*연락|누구(?:한테|에게)",
        r"対応して(?:ください|下さい|ほしい)|(?:ご)?相談したい|求めます|説明して(?:ください|ほしい)"
        r"|どこに連絡|誰に連絡",
    ]
)

FROZEN = _compile(
    [
        r"\b(?:frozen|suspended|locked|restricted|banned|closed)\b.{0,40}\b(?:no reason|without "
        r"(?:a |any )?(?:reason|explanation|warning)|for no)\b",
        r"(?:冻结|凍結|封号|封號|限制).{0,12}(?:没有|沒有|无|無)?(?:理由|原因|解释|解釋)",
        r"(?:동결|정지|제한).{0,12}(?:이유|설명)\s*(?:없|도\s*없)",
        r"理由(?:も|が)?(?:なく|ないまま|不明).{0,20}(?:凍結|停止|制限)",
    ]
)


# A how-to question about the same topics ("how long does a refund take?"): the help center's.
HOW_TO = _compile(
    [
        r"^\s*(?:how|what|when|where|which|why|can i|could i|do you|does|is it|are there)\b",
        r"怎么|怎麼|如何|怎样|怎樣|多久|多长时间|多長時間|什么|什麼|流程|步骤|步驟|[吗嗎][？?]?$",
        r"어떻게|얼마나|언제|(?:나요|까요|가요|인가요)\s*\??$",
        r"どうやって|どうすれば|どのくらい|いつ|方法|(?:ますか|ですか)[？?]?$",
    ]
)


def _clean(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).split())


def needs_person(text: str) -> bool:
    """A case only staff can handle: a topic that always needs one, an action only staff can
    take (asked for, not asked about), or a frozen account the customer wants explained.
    Chinese is read as written and as Mandarin (written Cantonese folded)."""
    cleaned = _clean(text)
    return any(_needs_person(reading) for reading in dict.fromkeys((cleaned, to_mandarin(cleaned))))


def _needs_person(cleaned: str) -> bool:
    if ALWAYS.search(cleaned):
        return True
    demand = bool(DEMAND.search(cleaned))
    if ACTIONS.search(cleaned) and (demand or not HOW_TO.search(cleaned)):
        return True
    return bool(FROZEN.search(cleaned) and demand)
