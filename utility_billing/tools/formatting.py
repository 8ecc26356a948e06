# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Numbers as a customer reads them on a bill, a letter or the phone."""


def format_number(env, value, min_digits=0, max_digits=3):
    """``value`` in the language of ``env``, thousands separated, without float
    noise: 4525.0 is "4,525"; with ``min_digits=2`` a rate of 13.8 is "13.80";
    at most ``max_digits`` decimals are kept."""
    value = value or 0.0
    digits = max_digits
    text = f"{value:.{max_digits}f}"
    while digits > min_digits and text.endswith("0"):
        text = text[:-1]
        digits -= 1
    lang = env["res.lang"]._lang_get(env.lang or "en_US")
    if not lang:
        return f"{value:,.{digits}f}"
    return lang.format(f"%.{digits}f", value, grouping=True)
