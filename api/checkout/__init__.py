"""The hosted payment page: checkout sessions, the page's HTML in English and Chinese, and what
a submitted card does (start the session's one payment, or try another card on it)."""
