# devtools: the developers' tools: the bundled mirror, the fault mirror and the benchmark.
# May import every stage; imported only by cli (riac mirror, riac bench, lazily) and tests, never by production code.
