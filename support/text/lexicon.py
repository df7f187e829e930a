"""Hand-kept vocabulary per category and per sentiment, in our five languages.

The classifier sees each list as one feature ("kw:kyc"), so a word the corpus never used still
counts once it is listed here. Chinese is written simplified only: text is folded to simplified
before matching. Entries are lower case, separated by commas; Latin entries match at word starts.
"""


def phrases(text: str) -> tuple[str, ...]:
    """The comma-separated entries of `text`, in order, without duplicates."""
    return tuple(dict.fromkeys(entry.strip() for entry in text.split(",") if entry.strip()))


CATEGORY_KEYWORDS: dict[str, tuple[str, ...]] = {
    "kyc": phrases(
        """
        kyc, verification, verify my identity, verify identity, identity, selfie, passport,
        id card, driver's licen, driving licen, proof of address, proof of residen, utility bill,
        liveness, face verification, tier 2, level 2, 实名, 认证, 身份证, 护照, 人脸, 自拍, 手持,
        证件, 地址证明, 审核, 驾照, 居留证, 신분증, 신원, 본인인증, 본인 인증, 여권, 얼굴 인증,
        셀카, 주소 증명, 운전면허, 외국인등록증, 인증 서류, 本人確認, 身分証, パスポート,
        マイナンバー, 顔認証, 在留カード, 運転免許, セルフィー, 審査, 書類,
        nationality, date of birth, occupation, verification level, corporate account,
        company account, business account, 国籍, 出生日期, 职业, 认证等级, 法人账户, 公司账户,
        企业账户, 未成年, 국적, 생년월일, 직업, 인증 단계, 법인 계정, 미성년, 生年月日, 職業,
        認証レベル, 法人口座, 未成年,
        """
    ),
    "password_reset": phrases(
        """
        password, passwort, forgot my pass, reset link, reset code, reset email, pasword, passwd,
        密码, 找回密码, 重置密码, 重置验证码, 비밀번호 재설정, 재설정 코드, 再設定コード,
        再設定メール,
        改密码, 비밀번호, 비번, 패스워드, パスワード, 暗証番号,
        """
    ),
    "account_recovery": phrases(
        """
        recover my account, account recovery, locked out, lost access, regain access, reactivate,
        dormant, deactivated, disabled, frozen, change my email, registered email, phone number,
        unlock, locked, 找回账号, 账号找回, 恢复账号, 冻结, 锁定, 被锁, 解锁, 停用, 禁用, 换绑,
        手机号, 绑定邮箱, 注册邮箱, 申诉, 休眠, 계정 복구, 잠겼, 잠금, 정지, 휴면, 번호 변경,
        이메일 변경, 해제, アカウント復旧, ロック, 凍結, 停止, 電話番号, メールアドレスの変更,
        復旧,
        """
    ),
    "two_factor": phrases(
        """
        2fa, two-factor, two factor, authenticator, otp, yubikey, passkey, sms code,
        verification code, backup code, security key, 谷歌验证, 二次验证, 两步验证, 双重验证,
        验证器, 短信验证, 验证码, 二步骤验证, 备用码, 2단계, 2차 인증, 인증번호, 인증 문자,
        구글 otp, 보안키, 二段階認証, 認証アプリ, 認証コード, ワンタイム, バックアップコード,
        """
    ),
    "fees": phrases(
        """
        fee, fees, commission, maker, taker, funding rate, rebate, spread, charged, vip level,
        minimum withdrawal, withdrawal minimum, 最低提币, 最小提币, 最低提现, 최소 출금, 最低出金,
        最小出金, 最低出金額, 出金最低,
        手续费, 费率, 返佣, 资金费, 扣费, 点差, 수수료, 펀딩비, 리베이트, 手数料, ファンディング,
        スプレッド,
        """
    ),
    "trading": phrases(
        """
        order, limit order, market order, stop loss, take profit, leverage, margin, liquidat,
        futures, position, spot, slippage, grid bot, oco, long, short, chart, candle, 下单, 限价,
        市价, 止损, 止盈, 杠杆, 保证金, 强平, 爆仓, 合约, 仓位, 开仓, 平仓, 滑点, 挂单, 撤单,
        成交, 网格, k线, 插针, 주문, 지정가, 시장가, 손절, 익절, 레버리지, 마진, 청산, 선물,
        포지션, 체결, 슬리피지, 注文, 指値, 成行, 損切り, ストップ, レバレッジ, 証拠金,
        ロスカット, 先物, ポジション, 約定, 逆指値, 決済,
        """
    ),
    "deposit_withdrawal": phrases(
        """
        deposit, withdraw, withdrawal, credited, not arrived, not received, confirmations,
        wrong network, memo, destination tag, whitelist, txid, 充值, 充币, 提币, 提现, 到账, 入账,
        出金, 入金, 转账, 链上, 选错网络, 白名单, 标签, 备注, 提领, 입금, 출금, 반영, 송금,
        네트워크, 데스티네이션 태그, 화이트리스트, 送金, 着金, 反映, ネットワーク, タグ,
        wrong chain, chain, arrive, sent, transfer, payout,
        """
    ),
    "scam_report": phrases(
        """
        scam, scammer, phishing, fake, impersonat, pretending, giveaway, airdrop, double your,
        report this, reporting, suspicious link, recovery agent, 骗子, 诈骗, 钓鱼, 冒充, 假冒,
        仿冒, 杀猪盘, 举报, 送币, 空投, 翻倍, 사기, 피싱, 사칭, 가짜, 신고, 에어드랍, 보이스피싱,
        詐欺, フィッシング, 偽, なりすまし, 名乗る, 通報, エアドロップ, claims to be, says he is,
        says she is, posing as, admin, dm, dms,
        """
    ),
    "security_incident": phrases(
        """
        hacked, hack, unauthorized, unauthorised, stolen, sim swap, sim-swap, taken over,
        compromised, i didn't make, i did not make, wasn't me, not me, never made, someone logged,
        someone accessed, 被盗, 盗号, 被黑, 异地登录, 不是我操作, 不是我本人, 被人登录, 补卡,
        被提走, 不明装置, 陌生设备, 被骇, 盗用, 해킹, 도용, 제가 하지 않은, 제가 한 게 아니,
        저 아니에요, 유심, 무단, 乗っ取, 不正ログイン, 不正アクセス, 身に覚えのない, 勝手に,
        simスワップ,
        """
    ),
    "compliance": phrases(
        """
        tax, taxes, regulat, licen, sanction, source of funds, source of wealth, due diligence,
        travel rule, aml, gdpr, personal data, statement, residents, restricted countr, mica, 税,
        报税, 合规, 牌照, 制裁, 资金来源, 尽职调查, 旅行规则, 个人资料, 监管, 资产证明, 세금,
        국세청, 자금 출처, 트래블룰, 제재, 금융정보분석원, 증명서, 개인정보, 税務署, 確定申告,
        金融庁, 資金の出所, トラベルルール, 証明書, 個人情報,
        """
    ),
    "technical": phrases(
        """
        crash, crashes, bug, error, white screen, blank page, not loading, won't load,
        notification, api, websocket, rate limit, 429, 500, 502, app update, logs me out,
        dark mode, cache, browser, 闪退, 白屏, 打不开, 推送, 接口, 报错, 网络错误, 网络异常, 卡住,
        更新后, 自动退出, 浏览器, 꺼져요, 오류, 에러, 하얀 화면, 푸시, 알림, 업데이트, 접속, 앱이,
        落ちます, エラー, 真っ白, プッシュ通知, 通知, アップデート, 不具合, ブラウザ,
        表示されません,
        """
    ),
    "general": phrases(
        """
        list, listing, referral, invite, partnership, staking, desktop app,
        customer service hours, proof of reserves, thank, great team, feedback, 上币, 上新币,
        邀请, 返利, 合作, 理财, 质押, 客服, 建议, 상장, 초대, 제휴, 스테이킹, 고객센터, 운영 시간,
        上場, 紹介, 提携, ステーキング, サポート, 対応時間,
        """
    ),
}
NEGATIVE_CUES = phrases(
    """
    can't, cant, cannot, couldn't, not working, doesn't work, didn't, won't, doesnt, didnt,
    not received, never arrived, still not, still no, still, stuck, failed, fail, rejected,
    denied, wrong, error, lost, missing, gone, no reason, why, ??, !!, frustrat, annoy,
    ridiculous, terrible, worst, awful, unacceptable, scam, robbery, rip off, ripoff, slow,
    forever, waiting, pending, expired, problem, issue, help, urgent, asap, locked, frozen,
    blocked, hacked, stolen, unauthori, not ok, not happy, disappointed, again, nobody, no one,
    ignored, refund, worried, scared, 不了, 不上, 失败, 没到, 未到, 还没, 没有到, 错误, 被拒,
    驳回, 冻结, 太慢, 离谱, 坑, 垃圾, 骗, 怎么办, 急, 一直, 为什么, 不行, 不能, 没反应, 不见, 丢,
    被盗, 无法, 找不到, 收不到, 太贵, 烦, 扯, 搞什么, 到底, 凭什么, 退还, 投诉, 没人, 不回, 卡住,
    闪退, 担心, 害怕, 안 돼, 안돼, 안 와, 안 되, 못, 실패, 오류, 에러, 거절, 반려, 왜, 너무, 답답,
    짜증, 사기, 급해, 급한, 없어요, 안 나, 잠겼, 정지, 사라졌, 걱정, 불편, 어떡, 이상해, 틀렸,
    멈춰, 대기, 늦어, できません, できない, 届きません, 届かない, エラー, 失敗, 否認, 困っ,
    遅すぎ, ひどい, 納得, 不安, されません, ません。, 高すぎ, なぜ, どうなって, 止まった, 消え,
    落ち, ロックされ, 凍結, 勝手に, 助けて, 至急,
    """
)
POSITIVE_CUES = phrases(
    """
    thank, thanks, thx, great, awesome, love, nice, good job, impressive, appreciate, happy,
    excellent, smooth, fast, quick, best, kudos, well done, 谢谢, 感谢, 好评, 点赞, 赞, 给力,
    好用, 方便, 满意, 很快, 辛苦, 감사, 고마, 최고, 좋아, 편해, 빨라, 친절, 만족, ありがとう,
    感謝, 助かって, 使いやすい, 親切, 迅速, 素晴らしい, 満足,
    """
)
ANGER_CUES = phrases(
    """
    scam, scammers, fraud, thieves, thief, robbery, rip off, ripoff, worst, useless, pathetic,
    disgusting, ridiculous, unacceptable, lawyer, lawsuit, police, sue you, wtf, fuck, shit, hell,
    never again, done with, 骗子, 诈骗, 垃圾, 坑人, 黑心, 报警, 律师, 起诉, 投诉, 恶心, 离谱,
    搞什么, 什么破, 사기꾼, 최악, 쓰레기, 고소, 경찰, 어이없, 장난, 미쳤, 詐欺, 最悪, ふざけ,
    訴え, 警察, 金融庁に, ありえない, いい加減,
    """
)
