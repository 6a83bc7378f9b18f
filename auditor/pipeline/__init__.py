"""Stages 2-5: segment into sentences, embed them, align the two sides, and diff each aligned group word by word."""
