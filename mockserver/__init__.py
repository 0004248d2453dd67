"""The kit's servers: fake Gladly, fake OMS and the reference adapter; and the lookupkit CLI."""

__all__: list[str] = []
