"""Jobs: what the engine process queues, runs, caches and reports, independent of any transport."""
