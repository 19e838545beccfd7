"""The Stripe connector: the only code that knows Stripe's API (through its official SDK)."""

from processors.stripe.adapter import CAPABILITIES, KIND, StripeProcessor
from processors.stripe.config import api_key_of

__all__ = ["CAPABILITIES", "KIND", "StripeProcessor", "api_key_of"]
