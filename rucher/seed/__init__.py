"""Organisation-scale data for benchmarks: `rucher seed` (see `rucher.seed.organisation`)."""
