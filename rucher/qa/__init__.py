"""Questions and answers, the answer-time promise, routing to experts and answer-time reports."""
