"""Card-processor simulator: a stand-in acquirer/issuer served over HTTP.

It deliberately imports nothing from the rest of the project so that it behaves like an
external system the payment workflows cannot reach into.
"""
