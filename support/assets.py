"""How many decimals each asset is shown with, and amounts written with them.

The back office sends exact decimals ("0.00020000", "1200.5", sometimes "2E-4"); people read
"0.0002 BTC" and "1,200.50 USDT". An amount is cut (never rounded up) to its asset's decimals, so
a balance never reads as more than the account holds, then written with the grouping of the
reader's language. Trailing zeros beyond the asset's minimum are dropped. Form values and the
amounts sent to the back office stay exact: this is for reading only.

| Asset                          | At most | At least | Why                                     |
|--------------------------------|---------|----------|-----------------------------------------|
| BTC, WBTC, LTC, BCH, DOGE      | 8       | 0        | the satoshi (1e-8)                      |
| ETH, BNB, and anything unknown | 8       | 0        | 18 on chain; exchanges show and move 8  |
| SOL, TON                       | 8       | 0        | 9 on chain, shown to 8 like the others  |
| USDT, USDC                     | 6       | 2        | 6 on chain; cents always shown          |
| FDUSD, DAI                     | 8       | 2        | 18 on chain; cents always shown         |
| TRX, XRP, ADA                  | 6       | 0        | 6 on chain (sun, drop, lovelace)        |
"""

from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal, InvalidOperation, localcontext

from babel.numbers import format_decimal

from support.localised import active_locale


@dataclass(frozen=True)
class Precision:
    most: int  # decimals shown at most; further ones are cut
    least: int = 0  # decimals always shown (cents of a stablecoin)

    @property
    def pattern(self) -> str:
        """The CLDR number pattern: "#,##0.00####" for 2 to 6 decimals."""
        fraction = "0" * self.least + "#" * (self.most - self.least)
        return f"#,##0.{fraction}" if fraction else "#,##0"


MAX_DIGITS = 100
DEFAULT = Precision(8)
STABLECOIN = Precision(6, 2)
PRECISIONS = {
    "BTC": DEFAULT,
    "WBTC": DEFAULT,
    "LTC": DEFAULT,
    "BCH": DEFAULT,
    "DOGE": DEFAULT,
    "ETH": DEFAULT,
    "BNB": DEFAULT,
    "SOL": DEFAULT,
    "TON": DEFAULT,
    "USDT": STABLECOIN,
    "USDC": STABLECOIN,
    "FDUSD": Precision(8, 2),
    "DAI": Precision(8, 2),
    "TRX": Precision(6),
    "XRP": Precision(6),
    "ADA": Precision(6),
}


def precision_for(asset: str) -> Precision:
    return PRECISIONS.get(asset.strip().upper(), DEFAULT)


def asset_amount(
    amount: Decimal | str | float | None, asset: str, *, language: str | None = None
) -> str:
    """`amount` of `asset` as the reader's language writes it: "0.0002", "1,200.50". An empty
    amount is ""; a value that is no number is shown as it came."""
    if amount is None or amount == "":
        return ""
    precision = precision_for(asset)
    locale = active_locale(language)
    try:
        with localcontext(prec=MAX_DIGITS):  # exact however large the amount
            value = Decimal(str(amount))
            value = value.quantize(Decimal(1).scaleb(-precision.most), rounding=ROUND_DOWN)
            return format_decimal(value, format=precision.pattern, locale=locale)
    except InvalidOperation:  # not a number, infinite, or absurdly long
        return str(amount)
