"""Stage 8, report: the result for people (terminal, Markdown report, alignment map) and for machines (JSON, SARIF, GitHub)."""
