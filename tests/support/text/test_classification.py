"""Category, urgency and sentiment on messages in our five languages."""

import pytest

from support.text import analyze
from support.text.analysis import classify, score_sentiment
from support.text.urgency import incident_phrases


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("my identity verification was rejected, the selfie step fails", "kyc"),
        ("实名认证审核没通过，说证件照片模糊", "kyc"),
        ("本人確認の書類が承認されません", "kyc"),
        ("I forgot my password and the reset email does not come", "password_reset"),
        ("비밀번호를 잊어버렸어요. 재설정은 어떻게 하나요?", "password_reset"),
        ("谷歌验证器丢了，怎么重置二次验证", "two_factor"),
        ("二段階認証のコードが届きません", "two_factor"),
        ("why is the withdrawal fee so high?", "fees"),
        ("現貨交易手續費怎麼算？", "fees"),
        ("my limit order was not filled and the futures position got liquidated", "trading"),
        ("USDT 입금했는데 반영이 안 돼요", "deposit_withdrawal"),
        ("提币到现在还没到账", "deposit_withdrawal"),
        (
            "someone pretending to be your support asked me for my seed phrase on telegram",
            "scam_report",
        ),
        ("アカウントが乗っ取られました", "security_incident"),
        ("do you report my trades to the tax authorities?", "compliance"),
        ("the app crashes on startup after the update", "technical"),
    ],
)
def test_category_of_clear_messages(text, category):
    assert analyze(text).category == category


def test_unclear_message_goes_to_triage_as_general():
    result = classify("hmm")

    assert result.needs_triage is True
    assert result.name == "general"


@pytest.mark.parametrize(
    "text",
    [
        "my account was hacked and all my USDT is gone",
        "there is a withdrawal I never made, lock my account",
        "I got SIM swapped last night, then login alerts",
        "我的账号被盗了，币被转走了",
        "帳號被盜，資產不見了",
        "계정이 해킹당했어요. 출금 내역이 제가 한 게 아니에요",
        "不正ログインされて、残高がなくなりました",
        "clicked a phishing link, entered my login, and my funds were drained",
    ],
)
def test_security_incidents_are_urgent_in_every_language(text):
    assert analyze(text).urgent is True


@pytest.mark.parametrize(
    "text",
    [
        "how do I protect my account from being hacked?",
        "I was not hacked, I just forgot my password",
        "不是被盗，只是我忘记密码了",
        "what is the withdrawal fee for BTC?",
        "해킹 방지를 위해 OTP를 설정하고 싶어요",
        "本人確認の方法を教えてください",
    ],
)
def test_questions_and_denials_are_not_urgent(text):
    assert analyze(text).urgent is False


@pytest.mark.parametrize(
    "text",
    [
        "got a mail saying my email address was updated, i didnt change it",
        "a bot I gave my api key to made dozens of trades and half my balance is gone",
        "密码变更通知来了，我根本没改过",
        "출금 완료 알림이 왔는데 저는 앱도 안 켰어요",
        "自動売買ツールにAPIキーを渡したら、知らない取引が大量にされていました",
        "助记词填进了一个网站，然后币全没了",
    ],
)
def test_an_incident_told_as_something_the_customer_did_not_do_is_urgent(text):
    assert analyze(text).urgent is True


@pytest.mark.parametrize(
    "text",
    [
        "my friend told me his account got hacked through SMS codes, how do I switch to an app?",
        "if my phone were stolen, could someone withdraw? nothing has happened, just asking",
        "我还以为被盗了，看了一下资产都在，应该是自己输错密码了",
        "万が一乗っ取られた場合の手続きを教えてください",
        "만약 해킹당해도 화이트리스트 켜두면 출금 못 하죠?",
        "I almost typed my seed phrase into a fake wallet site but stopped",
        "シードフレーズの保管方法を教えて",
        "deposited BTC yesterday, 6 confirmations, but my balance is still zero",
    ],
)
def test_hypotheticals_other_peoples_cases_and_fears_that_proved_wrong_are_not_urgent(text):
    assert analyze(text).urgent is False


@pytest.mark.parametrize(
    "text",
    [
        "someone claiming to be your support phoned and wanted the 6 digit code, i gave it to him",
        "a man said he was police and i moved all my usdt to a safe account he gave me",
        "there is a login session i dont recognize and my anti-phishing code is different",
        "自称客服的人打电话要验证码，我念给他了，现在登不上",
        "防钓鱼码被改了，不是我改的",
        "收到邮件说白名单新增了地址，我没有加过",
        "계정 털렸어요 잔고가 0이에요",
        "출금주소 추가 알림 메일이 왔는데 저 추가한 적 없어요",
        "전화로 상담원이라는 사람한테 인증번호 불러줬어요",
        "二段階認証が解除されたってメールが来た。解除していない",
        "寝てる間にログインされて、コインが空っぽになってた",
        "セキュリティ設定が変わってる、自分じゃない",
    ],
)
def test_incidents_told_through_what_the_customer_sees_or_was_asked_are_urgent(text):
    assert analyze(text).urgent is True


@pytest.mark.parametrize(
    "text",
    [
        "got hacked back in march, it was handled, i need a letter for my insurer. case closed",
        "the password changed email was because of me, it was me this morning",
        "how do scammers take over accounts with sim cards",
        "i clicked a strange link but didn't type anything in, is that a problem",
        "去年被盗的事已经处理完了，需要一份证明",
        "以为被盗了，原来是我自己转到理财了",
        "유심 해킹 대비하려면 뭘 해야 하나요",
        "작년 해킹 건은 처리 끝났고 확인서만 필요해요",
        "SIMスワップ対策を教えてください",
        "where do i enter the 6 digit code from the sms",
    ],
)
def test_settled_cases_scares_and_how_to_questions_are_not_urgent(text):
    assert analyze(text).urgent is False


def test_incident_phrases_skip_the_denied_ones():
    assert incident_phrases("nothing was stolen, but someone logged in from abroad") == [
        "someone logged"
    ]


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("withdrawal stuck for 3 days, nobody answers, this is unacceptable", "negative"),
        ("提币三天了还没到账，客服也不回", "negative"),
        ("출금이 계속 안 돼요. 너무 답답해요", "negative"),
        ("thank you so much, the problem is solved!", "positive"),
        ("谢谢你们，问题解决了", "positive"),
        ("How do I change the app language?", "neutral"),
        ("出金方法を教えてください", "neutral"),
    ],
)
def test_sentiment_labels(text, label):
    assert score_sentiment(text).label == label


def test_sentiment_score_stays_in_range_and_anger_is_strongly_negative():
    angry = score_sentiment("you are scammers, worst exchange ever, I will call the police!!")
    happy = score_sentiment("thanks, great support")

    assert angry.label == "negative" and angry.strongly_negative is True
    assert -1.0 <= angry.score < 0 < happy.score <= 1.0
    assert happy.strongly_negative is False


@pytest.mark.parametrize(
    "text",
    [
        "萬一手機被偷，別人能不能把我的幣提走？",
        "スマホを盗まれた場合、出金されてしまいますか？",
        "友達のアカウントが不正アクセスされたそうです 自分のアカウントは大丈夫でしょうか",
    ],
)
def test_a_denial_counts_in_traditional_and_simplified_characters_alike(text):
    # 萬一 is 万一 and 場合 is 场合 once folded: the hypothetical holds in either script.
    assert analyze(text).urgent is False


def test_a_traditional_chinese_incident_is_still_urgent():
    assert analyze("帳號被盜了 餘額變成0 請幫忙凍結").urgent is True


@pytest.mark.parametrize(
    "text",
    [
        "my account had been hacked back in march but support got it back for me, "
        "now i need a statement for my accountant",
        "last year someone stole my btc and you guys restored it, how do i turn on the whitelist?",
        "去年我的账号被盗过，后来找回来了，现在想开一下提币白名单",
        "작년에 해킹당했었는데 복구됐고 지금은 출금 화이트리스트 설정하고 싶어요",
        "以前乗っ取られましたが、アカウントは取り戻しました。出金アドレスの登録方法は？",
    ],
)
def test_an_incident_the_customer_got_back_from_is_not_urgent(text):
    assert analyze(text).urgent is False


@pytest.mark.parametrize(
    "text",
    [
        "someone logged in and withdrew my usdt, can i get it back?",
        "有人登录了我的账号把币提走了，还能找回来吗",
        "誰かにログインされて送金されました。取り戻せますか",
        "got my account back last month but it was hacked again today",
    ],
)
def test_asking_to_get_funds_back_or_a_repeat_is_still_urgent(text):
    assert analyze(text).urgent is True


@pytest.mark.parametrize(
    "text",
    [
        "can hackers drain my wallet if they only know my email?",
        "does a sim swap let someone bypass the withdrawal whitelist?",
        "is it possible for someone to log in without my 2fa code?",
        "could my account be hacked through sms codes?",
        "had my account been hacked, would i get an email about it?",
        "should my account ever be taken over, how fast can you freeze it?",
        "a guy in our telegram group said his coins were stolen, is that true?",
    ],
)
def test_questions_about_what_could_happen_are_not_urgent(text):
    assert analyze(text).urgent is False


@pytest.mark.parametrize(
    "text",
    [
        "can someone help me my account got hacked",
        "is it possible someone logged into my account? i see an unknown device",
        "can you check if someone logged in to my account",
        "does this mean someone stole my coins? my balance is 0",
        "can someone please freeze my account someone is withdrawing my coins right now",
        "could my account be hacked? there is a withdrawal to an address i dont know",
    ],
)
def test_questions_from_a_customer_it_happened_to_are_urgent(text):
    assert analyze(text).urgent is True


@pytest.mark.parametrize(
    "text",
    [
        "i changed my email address myself yesterday and since then withdrawals are disabled",
        "i reset my 2fa myself and now there's a new device warning on the account",
        "自分でメールアドレスを変えた後、ログイン通知が何通も来ています",
        "上個月我自己改了綁定的信箱 之後提幣就被限制了",
        "제가 직접 이메일 바꾼 뒤로 출금이 막혔어요",
    ],
)
def test_a_change_the_customer_made_themselves_is_not_urgent(text):
    assert analyze(text).urgent is False


@pytest.mark.parametrize(
    "text",
    [
        "제가 직접 바꾼 적 없는데 이메일이 바뀌었어요",
        "i didn't change my email myself, but it changed and i can't log in",
    ],
)
def test_a_change_the_customer_denies_making_is_still_urgent(text):
    assert analyze(text).urgent is True


@pytest.mark.parametrize(
    "text",
    [
        "saw 20 usdt leave my account this morning, then remembered it's my weekly recurring buy",
        "my balance dropped by 0.001 btc, looks like it was the withdrawal fee",
        "餘額少了一些 查了一下是提幣手續費",
        "残高が減っていて焦りましたが、積立の自動購入でした",
        "잔고가 줄어서 놀랐는데 자동매수 때문이었네요",
    ],
)
def test_an_alarm_the_customer_explains_by_a_fee_or_their_own_order_is_not_urgent(text):
    assert analyze(text).urgent is False


@pytest.mark.parametrize(
    "text",
    [
        "someone withdrew 500 usdt, not to my own wallet, i don't know the address",
        "看了记录是一笔我没做过的提现，余额少了一半",
        "残高が減っていて、履歴を見たら身に覚えのない出金でした",
        "잔고가 줄었는데 제가 안 한 출금이었어요",
    ],
)
def test_an_alarm_explained_by_a_withdrawal_the_customer_did_not_make_is_urgent(text):
    assert analyze(text).urgent is True


@pytest.mark.parametrize(
    "text",
    [
        "2段階認証がオフになってる。自分ではオフにしてない",
        "パスワード変更の通知が来たけど、変えてないです",
        "我自己没改过邮箱，但是邮箱变了",
        "我自己沒有改過密碼 但收到密碼已變更的通知",
        "有封信說API金鑰已建立 我沒建過",
    ],
)
def test_a_setting_changed_that_the_customer_says_they_did_not_change_is_urgent(text):
    assert analyze(text).urgent is True


@pytest.mark.parametrize(
    "text",
    [
        "유심 해킹되면 어떻게 되나요",
        "폰을 잃어버리면 누가 출금할 수 있어요?",
        "メールアドレスだけで乗っ取られることはありますか",
        "スマホを落としたら資産を盗まれる可能性はありますか",
        "只开短信验证，账号会不会被盗？",
    ],
)
def test_what_if_questions_in_korean_japanese_and_chinese_are_not_urgent(text):
    assert analyze(text).urgent is False


@pytest.mark.parametrize(
    "text",
    [
        "앱 켜보면 잔고가 0이에요 누가 출금했어요",
        "乗っ取られたのでしょうか？知らない端末からログインされています",
        "账号是不是被盗了？有一笔提币不是我操作的",
    ],
)
def test_questions_from_a_customer_it_happened_to_in_cjk_are_urgent(text):
    assert analyze(text).urgent is True


@pytest.mark.parametrize(
    "text",
    [
        "there is a withdrawal of 2 ETH in my history from last night. I did not make it",
        "my balance went from 1.2 BTC to nothing and I haven't opened the app in a week",
        "账户里的币少了一大半，我从来没卖过，也没转出去过",
        "戶口啲幣唔見咗一半，我冇賣過，都冇轉出過",
        "보유 코인이 전부 매도돼 있어요. 저는 판 적 없어요",
        "朝起きたら注文履歴に大量の売り注文。寝てたので私じゃない",
        "防钓鱼码变了，是谁改的？",
    ],
)
def test_an_account_event_the_customer_says_they_did_not_do_is_urgent(text):
    assert analyze(text).urgent is True


@pytest.mark.parametrize(
    "text",
    [
        "whats the withdrawal limit if i never do kyc",
        "賬戶多了幾個不認識的幣，我沒買過，是空投嗎？",
        "i haven't withdrawn anything yet, how long does a withdrawal take?",
        "I never changed my fee tier, why is the fee different? does it change by volume?",
    ],
)
def test_an_account_event_with_a_habit_an_airdrop_or_a_question_is_not_urgent(text):
    assert analyze(text).urgent is False


@pytest.mark.parametrize(
    "text",
    [
        "群里有人发了所谓的官方钱包app，我按他说的输入了助记词，现在币全没了",
        "공식 지갑이라는 앱에 복구 구문을 넣었는데 잔고가 사라졌어요",
        "サポートを名乗る人に言われて、公式だというサイトで復元フレーズを入力しました",
        "installed what looked like your app from an ad and typed my login, now the USDT is gone",
        "自称检察院的人让我把币转到安全账户配合调查，我转了",
        "경찰이라고 해서 안전 계좌로 코인을 옮겼어요",
        "バスでスマホをすられました。アプリにログインしたままです",
        "my phone got stolen at the station and the app is still logged in",
    ],
)
def test_secrets_given_to_something_posing_as_us_and_a_device_still_signed_in_are_urgent(text):
    assert analyze(text).urgent is True


@pytest.mark.parametrize(
    "text",
    [
        "有人打电话自称警察，叫我把币转去监管账户，我直接挂了",
        "보호 지갑으로 옮기라는 전화가 왔는데 안 보내고 끊었어요",
        "what should i do if my phone is stolen while the app is logged in?",
    ],
)
def test_a_safe_account_call_hung_up_on_and_a_what_if_are_not_urgent(text):
    assert analyze(text).urgent is False


@pytest.mark.parametrize(
    "text",
    [
        "saw on the news that an exchange got hacked, are my coins here in cold storage?",
        "my cousin's account on another exchange was drained, what should I turn on here?",
        "新闻说有交易所被盗了，你们的冷钱包比例是多少？",
        "同事在别家交易所被盗，我这边要怎么加强安全？",
        "해외 거래소가 해킹당했다는 기사를 봤는데 여기는 괜찮나요?",
        "別の取引所で知り合いが資産を抜かれたそうです。こちらで設定すべきことは？",
    ],
)
def test_news_and_an_incident_at_another_exchange_are_not_urgent(text):
    assert analyze(text).urgent is False


@pytest.mark.parametrize(
    "text",
    [
        "someone withdrew all my BTC to another exchange last night, it was not me",
        "有人把我的币全部提到别的交易所了，不是我提的",
        "제 코인이 다른 거래소로 다 출금됐어요. 저는 출금한 적 없어요",
        "私のビットコインが他の取引所に勝手に送金されていました",
    ],
)
def test_funds_taken_to_another_exchange_are_still_urgent(text):
    assert analyze(text).urgent is True
