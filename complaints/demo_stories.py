"""The demo complaints as stories: who complains about what, in their own language, and each
step of the case with how long ago it happened (`complaints.demo` plays them through the
services). Officers write internal notes in English; everything the customer reads is in the
customer's language.

Transactions are the demo customers' own at the demo exchange (support/demo.py: W<seed>04 is a
BTC withdrawal nine days old, T<seed>2 an ETH sale four days old, D<seed>02 a deposit of two
hours), so a story that links one starts after it; a story that links a demo ticket
(tickets/demo.py) happens now, just after the ticket.
"""

from dataclasses import dataclass
from datetime import timedelta

from complaints.models import AppealOutcome, Category, Outcome, RootCause
from tickets.models import RemediationAction

NOW = timedelta()


def ago(*, days: float = 0, hours: float = 0) -> timedelta:
    return timedelta(days=days, hours=hours)


@dataclass(frozen=True)
class Step:
    """One thing done on the case `ago` before now. `choice`: an outcome, a remedy action, or
    root causes joined by commas."""

    verb: str
    ago: timedelta
    text: str = ""
    choice: str = ""
    remedy: str = ""
    asset: str = ""
    amount: str = ""


def opened(
    submitted: timedelta,
    acknowledged: timedelta | None = None,
    investigated: timedelta | None = None,
) -> tuple[Step, ...]:
    """The case filed, then acknowledged and taken into investigation by the officer."""
    steps = [Step("submit", submitted)]
    if acknowledged is not None:
        steps.append(Step("acknowledge", acknowledged))
    if investigated is not None:
        steps.append(Step("investigate", investigated))
    return tuple(steps)


@dataclass(frozen=True)
class Story:
    customer: str
    category: str
    description: str
    desired: str
    steps: tuple[Step, ...]
    tickets: tuple[str, ...] = ()  # external ids of tickets/demo.py's tickets
    transactions: tuple[str, ...] = ()


EN = "customer.en@example.com"
ZH_HANS = "customer.zh-hans@example.com"
ZH_HANT = "customer.zh-hant@example.com"
KO = "customer.ko@example.com"
JA = "customer.ja@example.com"

STORIES: tuple[Story, ...] = (
    # --- English ----------------------------------------------------------------------------
    Story(
        customer=EN,
        category=Category.TRANSFER_DELAY,
        description=(
            "My ETH deposit D002 has enough confirmations on the blockchain but it is still not "
            "in my balance. My ticket about it got nothing but an automatic reply, and I cannot "
            "trade while the price moves."
        ),
        desired="Credit the deposit today and tell me why it was late.",
        tickets=("demo-2",),
        transactions=("D002",),
        steps=opened(NOW),
    ),
    Story(
        customer=EN,
        category=Category.SERVICE_QUALITY,
        description=(
            "I asked in the live chat why my withdrawal was on hold. The agent answered with one "
            "word, told me to read the FAQ and closed the chat while I was still typing. It "
            "happened again the same evening with the same agent."
        ),
        desired="An apology, and a real answer about my withdrawal.",
        steps=(
            *opened(ago(days=6), ago(days=5, hours=21), ago(days=5)),
            Step(
                "note",
                ago(days=4, hours=20),
                "Transcripts read: the agent closed the second chat 40 s after the customer's "
                "question, unanswered. The first chat timed out after ten idle minutes.",
            ),
            Step("causes", ago(days=4), choice=f"{RootCause.STAFF},{RootCause.COMMUNICATION}"),
            Step(
                "decide",
                ago(days=3),
                "We read both chats. In the second one our agent closed the chat before "
                "answering you, which falls short of how we should treat you; we apologise, and "
                "the agent has been coached. The first chat ended on its own after ten minutes "
                "without a message, as all our chats do. Your withdrawal was held for a routine "
                "check of a new address and was released the same night.",
                choice=Outcome.PARTLY_UPHELD,
                remedy="A written apology; the agent coached.",
            ),
        ),
    ),
    Story(
        customer=EN,
        category=Category.FEES,
        description=(
            "For my BTC withdrawal W004 the network fee was taken twice: 0.0002 BTC with the "
            "withdrawal, and another 0.0002 BTC from my balance a minute later. Your fee table "
            "says it is charged once."
        ),
        desired="Refund the second fee.",
        transactions=("W004",),
        steps=(
            *opened(ago(days=4), ago(days=3, hours=22)),
            Step("causes", ago(days=2), choice=RootCause.SYSTEM),
            Step(
                "decide",
                ago(days=1),
                "You are right: a fault in our fee job took the BTC network fee a second time "
                "for withdrawals made that day. We have fixed the job and are paying the second "
                "fee back to your account.",
                choice=Outcome.UPHELD,
                remedy="0.0002 BTC paid back.",
            ),
            Step(
                "remedy",
                NOW,
                "Network fee for W004 taken twice",
                choice=RemediationAction.COMPENSATE,
                asset="BTC",
                amount="0.0002",
            ),
        ),
    ),
    Story(
        customer=EN,
        category=Category.ACCOUNT_FREEZE,
        description=(
            "My account was frozen without notice after I logged in from a new phone. I cannot "
            "trade or withdraw, and support only says the case is under review."
        ),
        desired="Unfreeze my account and tell me why it was frozen.",
        steps=(
            *opened(ago(days=9), ago(days=8, hours=23), ago(days=8, hours=20)),
            Step(
                "message",
                ago(days=8),
                "We have asked our security team to review the restriction on your account and "
                "will write to you again within five business days.",
            ),
            Step("withdraw", ago(days=7), "My account was unfrozen this morning, thank you."),
        ),
    ),
    # --- Simplified Chinese -----------------------------------------------------------------
    Story(
        customer=ZH_HANS,
        category=Category.ACCOUNT_FREEZE,
        description=(
            "我的账户上周一突然被冻结，没有收到任何通知或说明。账户里有大约 3 万 USDT，现在既不能"
            "交易也不能提现。客服只说“正在审核”，十多天过去了仍没有任何进展。"
        ),
        desired="请尽快解冻账户，并书面说明冻结的原因。",
        steps=(
            *opened(ago(days=25), ago(days=24, hours=20), ago(days=24)),
            Step(
                "note",
                ago(days=22),
                "Risk team: the freeze came from an automated alert on a deposit from an "
                "address linked to a mixer. Their review is pending; chased twice.",
            ),
            Step("causes", ago(days=20), choice=RootCause.RISK_CONTROL),
            Step(
                "message",
                ago(days=10),
                "您好，您的账户仍在风控团队复核中。我们已再次催促，一有结果会立即通知您。"
                "给您带来不便，深表歉意。",
            ),
        ),
    ),
    Story(
        customer=ZH_HANS,
        category=Category.TRADING_DISPUTE,
        description=(
            "我的 ETH 仓位在成交 T12 中被强制平仓，成交价 3120.1 USDT。但当时其他主要交易所的价格"
            "都没有跌到这个位置，我认为是标记价格异常导致了错误的强平。"
        ),
        desired="撤销这次强平，或赔偿我的损失。",
        transactions=("T12",),
        steps=(
            *opened(ago(days=3, hours=20), ago(days=3, hours=18), ago(days=3, hours=12)),
            Step(
                "decide",
                ago(days=2),
                "经核查，强平时的标记价格取自多家交易所的加权指数，数据正常；当时您仓位的保证金率已"
                "低于维持保证金要求，平仓是按规则执行的。因此我们无法撤销这笔平仓。",
                choice=Outcome.REJECTED,
            ),
            Step(
                "appeal",
                ago(days=1),
                "你们的指数在那一分钟里有明显的插针，K 线上看得很清楚。请对比同一时间其他交易所的"
                "价格，由没有参与处理的人独立复核。",
            ),
        ),
    ),
    Story(
        customer=ZH_HANS,
        category=Category.TRANSFER_DELAY,
        description=(
            "我的 BTC 提现在“处理中”状态停了五天才到账，其间客服一直只让我“耐心等待”。这五天"
            "里 BTC 价格下跌，我损失了大约 800 USDT。"
        ),
        desired="赔偿价格下跌造成的损失。",
        steps=(
            *opened(ago(days=35), ago(days=34, hours=19), ago(days=34)),
            Step("causes", ago(days=22), choice=RootCause.THIRD_PARTY),
            Step(
                "decide",
                ago(days=20),
                "您的提币因链上拥堵和地址安全审核而延迟，用户协议中对此有说明；其间资产一直在您的"
                "名下。我们对沟通不够及时表示歉意，但无法赔偿市场价格波动造成的损失。",
                choice=Outcome.REJECTED,
            ),
            Step("window_ends", ago(days=6)),
        ),
    ),
    # --- Traditional Chinese ----------------------------------------------------------------
    Story(
        customer=ZH_HANT,
        category=Category.KYC_REJECTION,
        description=(
            "我的身分驗證已經被退回三次，每次都只寫「資料不符」，卻沒有說明是哪一項不符。我的"
            "證件都在有效期內，照片也很清楚。因為驗證沒有通過，我的提領額度一直被限制。"
        ),
        desired="請告訴我具體是哪裡有問題，並重新審核我的資料。",
        steps=(
            *opened(ago(days=4), ago(days=3, hours=21)),
            Step(
                "request",
                ago(days=2),
                "您好，為了重新審核您的身分驗證，請上傳：一、身分證正反面的清晰照片（四角完整、"
                "沒有反光）；二、最近三個月內的地址證明（水電費帳單或銀行對帳單）。收到後我們會"
                "在三個工作天內完成審核。",
            ),
        ),
    ),
    Story(
        customer=ZH_HANT,
        category=Category.FEES,
        description=(
            "我上個月的交易被收取 0.1% 的掛單手續費，但網站上的費率表寫的是 0.08%，我多付了手續費。"
        ),
        desired="退還多收的手續費。",
        steps=(
            *opened(ago(days=30), ago(days=29, hours=22), ago(days=29)),
            Step(
                "decide",
                ago(days=22),
                "經查，您的帳戶等級適用的掛單手續費為 0.1%，收費符合目前的費率表。",
                choice=Outcome.REJECTED,
            ),
            Step(
                "appeal",
                ago(days=18),
                "我交易的時候，繁體中文的費率頁面確實寫著 0.08%，我有截圖。費率改了卻沒有公告，"
                "這不公平。",
            ),
            Step("take", ago(days=17)),
            Step(
                "note",
                ago(days=15),
                "The zh-hant fee page kept the old maker fee (0.08%) for three weeks after the "
                "change; every trade of the customer's falls in that time.",
            ),
            Step("causes", ago(days=13), choice=RootCause.COMMUNICATION),
            Step(
                "final",
                ago(days=12),
                "經獨立複核，您交易的期間，繁體中文的費率頁面仍顯示舊的掛單手續費 0.08%。原決定"
                "認為收費符合目前的費率表，這一點正確；但由於頁面資訊有誤，我們將退還這段期間多收"
                "的差額 12.4 USDT。",
                choice=AppealOutcome.MODIFIED,
                remedy="退還差額 12.4 USDT。",
            ),
        ),
    ),
    Story(
        customer=ZH_HANT,
        category=Category.SERVICE_QUALITY,
        description=(
            "我打了三次客服電話，每次都等了四十分鐘以上，最後被直接掛斷。線上客服也一直是機器人"
            "回答，無法轉接真人。我的提領問題已經拖了一個星期。"
        ),
        desired="希望有專人主動和我聯絡，處理我的問題。",
        steps=opened(ago(days=1, hours=6)),
    ),
    # --- Korean -----------------------------------------------------------------------------
    Story(
        customer=KO,
        category=Category.TRANSFER_DELAY,
        description=(
            "USDT 출금(W301)이 보류 상태로 멈춰 있습니다. 고객센터에 문의를 남겼지만 자동 응답 "
            "외에는 아무 답변이 없습니다. 법인 계정이라 오늘 안에 거래처에 송금해야 합니다."
        ),
        desired="보류 사유를 알려 주시고 오늘 중으로 출금을 처리해 주세요.",
        tickets=("demo-1",),
        transactions=("W301",),
        steps=opened(NOW, NOW),
    ),
    Story(
        customer=KO,
        category=Category.TRADING_DISPUTE,
        description=(
            "BTC 선물 포지션이 강제 청산되었습니다. 청산 가격이 다른 거래소보다 2% 이상 낮았고, "
            "차트에도 그 가격은 찍혀 있지 않습니다. 잘못된 가격으로 청산된 것이 분명합니다."
        ),
        desired="청산을 취소하거나 손실을 보상해 주세요.",
        steps=(
            *opened(ago(days=40), ago(days=39, hours=18), ago(days=39)),
            Step(
                "decide",
                ago(days=30),
                "청산 당시의 표시 가격과 증거금 비율을 확인한 결과, 유지 증거금 기준에 따라 "
                "규정대로 청산된 것으로 판단됩니다.",
                choice=Outcome.REJECTED,
            ),
            Step(
                "appeal",
                ago(days=27),
                "같은 시각 다른 거래소의 가격을 확인해 보시면 알 수 있습니다. 청산 가격은 시장 어디"
                "에도 없던 가격입니다. 독립적인 재검토를 요청합니다.",
            ),
            Step("take", ago(days=26)),
            Step(
                "note",
                ago(days=24),
                "Matching engine logs: one source of the index price froze for 90 s; the "
                "liquidation used its stale price.",
            ),
            Step("causes", ago(days=21), choice=RootCause.SYSTEM),
            Step(
                "final",
                ago(days=20),
                "독립 재검토 결과, 청산 당시 지수 가격 공급원 중 하나가 90초 동안 멈춰 있었고 "
                "청산은 이 오래된 가격을 기준으로 실행된 것으로 확인되었습니다. 최초 결정을 "
                "번복하며, 청산으로 인한 손실 전액을 보상해 드립니다.",
                choice=AppealOutcome.OVERTURNED,
                remedy="청산 손실 전액 보상 (1,850 USDT).",
            ),
        ),
    ),
    Story(
        customer=KO,
        category=Category.ACCOUNT_FREEZE,
        description=(
            "법인 계정이 ‘이상 거래 탐지’를 이유로 동결되었습니다. 정상적인 거래 대금 입금이었고 "
            "관련 서류를 모두 제출했는데도 3주째 풀리지 않고 있습니다."
        ),
        desired="계정 동결을 해제하고 재발 방지 대책을 알려 주세요.",
        steps=(
            *opened(ago(days=35), ago(days=34, hours=22), ago(days=34)),
            Step(
                "decide",
                ago(days=25),
                "제출하신 서류로는 입금된 자금의 출처가 충분히 확인되지 않아, 관련 법규에 따라 "
                "동결을 유지합니다. 추가 서류를 제출하시면 다시 검토하겠습니다.",
                choice=Outcome.REJECTED,
            ),
            Step(
                "appeal",
                ago(days=16),
                "요청하신 세금계산서와 계약서를 모두 제출했습니다. 어떤 서류가 부족한지 구체적으로 "
                "알려 주지 않은 채 동결을 유지하는 것은 부당합니다.",
            ),
            Step("take", ago(days=15)),
        ),
    ),
    # --- Japanese ---------------------------------------------------------------------------
    Story(
        customer=JA,
        category=Category.KYC_REJECTION,
        description=(
            "本人確認の審査が一週間以上終わらず、今日になって理由の説明もなく却下されました。"
            "運転免許証は有効期限内で、写真も鮮明です。問い合わせにも定型文の返信しかありません。"
        ),
        desired="却下の具体的な理由を教えてください。そのうえで再審査をお願いします。",
        tickets=("demo-3",),
        steps=opened(NOW),
    ),
    Story(
        customer=JA,
        category=Category.TRANSFER_DELAY,
        description=(
            "BTC の出金（W404）が「審査中」のまま二日以上止まっていました。その間に何度問い合わせ"
            "ても定型文の返信だけでした。出金は最終的に完了しましたが、その間に価格が下がり、"
            "予定していた支払いにも間に合いませんでした。"
        ),
        desired="遅延の理由の説明と、損失への補償をお願いします。",
        transactions=("W404",),
        steps=(
            *opened(ago(days=7), ago(days=6, hours=23)),
            Step(
                "request",
                ago(days=5),
                "お手数ですが、出金先のアドレスがお客様ご本人のウォレットであることを確認できる"
                "資料（ウォレット画面のスクリーンショットなど）をお送りください。確認でき次第、"
                "調査を進めます。",
            ),
            Step(
                "reply",
                ago(days=3),
                "出金先は私のハードウェアウォレットのアドレスです。ウォレットアプリの画面を確認し、"
                "アドレスが一致していることを確かめました。必要であれば署名メッセージも用意します。",
            ),
            Step(
                "note",
                ago(days=2),
                "Wallet ops: W404 sat 52 h in the manual review queue (new address), which had "
                "no weekend cover.",
            ),
            Step("causes", ago(days=2), choice=RootCause.PROCESS),
            Step(
                "message",
                ago(days=1),
                "ご協力ありがとうございます。出金が遅れたのは、週末に手動審査の担当者がいなかった"
                "ためだと確認できました。補償を含めた対応を検討し、改めてご連絡いたします。",
            ),
        ),
    ),
    Story(
        customer=JA,
        category=Category.ACCOUNT_FREEZE,
        description=(
            "海外出張中にホテルの Wi-Fi からログインしたところ、口座が凍結されました。本人確認に"
            "三日かかり、その間に予定していた取引ができず、損失が出ました。"
        ),
        desired="凍結期間中に生じた損失を補償してください。",
        steps=(
            *opened(ago(days=45), ago(days=44, hours=23), ago(days=44)),
            Step(
                "decide",
                ago(days=37),
                "普段と異なる国からのログインを検知した場合、お客様の資産を守るために口座を一時的に"
                "制限することを利用規約で定めています。今回の制限はこの規定どおりに行われ、本人"
                "確認の完了後すぐに解除されました。このため、補償には応じられません。",
                choice=Outcome.REJECTED,
            ),
            Step(
                "appeal",
                ago(days=30),
                "本人確認に三日もかかったのは、そちらの対応が遅かったからです。制限そのものでは"
                "なく、解除までにかかった時間に問題があると考えます。",
            ),
            Step("take", ago(days=29)),
            Step("causes", ago(days=26), choice=RootCause.POLICY),
            Step(
                "final",
                ago(days=25),
                "独立した立場で記録を確認しました。本人確認書類の受付から制限の解除までは一営業日"
                "半で、当社の基準（二営業日以内）の範囲内でした。最初の決定を維持します。",
                choice=AppealOutcome.UPHELD,
            ),
        ),
    ),
    Story(
        customer=JA,
        category=Category.FEES,
        description=(
            "USDT（TRC20）の出金手数料が、何の告知もなく 1 USDT から 2 USDT に上がっていました。"
            "事前に知っていれば、別の方法で送金していました。"
        ),
        desired="差額を返金してください。",
        steps=(
            *opened(ago(days=10), ago(days=9, hours=23)),
            Step(
                "decide",
                ago(days=2),
                "出金手数料の改定は、実施の 30 日前にお知らせページとメールでご案内しておりました。"
                "手数料は改定後の料金表どおりに請求されているため、返金はいたしかねます。",
                choice=Outcome.REJECTED,
            ),
        ),
    ),
)
