"""The hosted page's words in English and Chinese (Simplified). Customer messages of declines
are not here: they come from ``payments.errors`` (``FailureOut.customer_message``)."""

from __future__ import annotations

from payments.public import Language

TEXTS: dict[Language, dict[str, str]] = {
    "en": {
        "title": "Payment",
        "pay_to": "Pay {merchant}",
        "number": "Card number",
        "expiry": "Expiry date (MM/YY)",
        "cvc": "Security code (CVC)",
        "name": "Name on card (optional)",
        "pay": "Pay {amount}",
        "cancel": "Cancel and return to the shop",
        "back": "Return to the shop",
        "processing": "Your payment is being processed. This page refreshes by itself.",
        "refresh": "Refresh",
        "action": "Your bank asks you to confirm this payment.",
        "continue": "Continue to your bank",
        "expired": "This payment page has expired. Nothing was charged.",
        "closed": "This payment can no longer be made here.",
        "not_found": "This payment page does not exist.",
        "stale_form": "This form is out of date. Please enter your card again.",
        "too_many": "Too many attempts on this page. Please contact the shop.",
        "bad_number": "The card number is not valid. Check it and try again.",
        "bad_expiry": "The expiry date is not valid or has passed. Use MM/YY.",
        "bad_cvc": "The security code is 3 digits (4 for American Express).",
        "refused": "This card cannot be used for this payment. Please use another card.",
        "unavailable": "We could not reach the card network. Nothing was charged; try again.",
        "try_another_card": "Try another card below.",
        "contact_bank": "Contact your bank, or try another card below.",
        "check_card_details": "Check the card details and try again.",
        "retry_later": "Please try again in a few minutes.",
        "contact_merchant": "Please contact the shop.",
    },
    "zh": {
        "title": "付款",
        "pay_to": "向 {merchant} 付款",
        "number": "卡号",
        "expiry": "有效期（MM/YY）",
        "cvc": "安全码（CVC）",
        "name": "持卡人姓名（选填）",
        "pay": "支付 {amount}",
        "cancel": "取消并返回商店",
        "back": "返回商店",
        "processing": "正在处理您的付款，本页面会自动刷新。",
        "refresh": "刷新",
        "action": "您的银行要求您确认这笔付款。",
        "continue": "前往银行确认",
        "expired": "此付款页面已过期，未产生任何扣款。",
        "closed": "此笔付款已无法在这里完成。",
        "not_found": "此付款页面不存在。",
        "stale_form": "此表单已过期，请重新输入卡片信息。",
        "too_many": "此页面尝试次数过多，请联系商家。",
        "bad_number": "卡号无效，请检查后重试。",
        "bad_expiry": "有效期无效或已过期，请按 MM/YY 填写。",
        "bad_cvc": "安全码为 3 位数字（American Express 为 4 位）。",
        "refused": "此卡无法用于这笔付款，请换一张卡。",
        "unavailable": "暂时无法连接银行网络，未产生任何扣款，请重试。",
        "try_another_card": "请在下方换一张卡重试。",
        "contact_bank": "请联系您的发卡银行，或在下方换一张卡。",
        "check_card_details": "请检查卡片信息后重试。",
        "retry_later": "请几分钟后再试。",
        "contact_merchant": "请联系商家。",
    },
}


def text(lang: Language, name: str, **values: str) -> str:
    """One phrase in ``lang``, with ``values`` filled in (the caller escapes the result)."""
    return TEXTS[lang][name].format(**values)
