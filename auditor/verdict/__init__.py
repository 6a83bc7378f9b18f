"""Stage 7, score: what was checked, the penalty and the gate's verdict, after the suppression policies (baseline, accepted wording)."""
