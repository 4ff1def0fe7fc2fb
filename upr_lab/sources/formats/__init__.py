"""Source formats, one module each: UPR Info exports, the canonical table, participation tables and the
synthetic generator. ``upr_lab.sources.load`` chooses among them; use that rather than these."""
