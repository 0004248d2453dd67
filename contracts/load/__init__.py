"""``lookupkit load``: Gladly-shaped, signed load on a Lookup Adapter, with Locust as the engine.

``model`` (the traffic Gladly sends), ``customers`` (who is looked up), ``locustfile`` (Locust's
side, run in Locust's processes only: it imports gevent), ``tally`` and ``stats`` (what a run
measured), ``verdict`` (judged against Gladly's limits, and the reports), ``cli`` (the command).
"""
