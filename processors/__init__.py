"""Card processors behind one typed seam: the ``Processor`` Protocol and its adapters.

- ``protocol``: the Protocol; ``models`` and ``capabilities``: what goes in and out.
- ``errors``: ``ProcessorFailure``, in the one ``ErrorType``/``DeclineCode`` vocabulary.
- ``simulator``: the simulator adapter, the only product code that knows the simulator's wire.
- ``registry``: adapters by kind (``ProcessorEndpoint.kind``).
- ``http``: aiohttp plumbing; ``routing`` and ``fleet``: failover order, breakers, rate limits.
- ``tokenize``: card verification through a processor, then the vault.
"""
