"""Stage 1, load: documents from files, URIs and text, decoded, de-marked-up and checked against the limits."""
