"""One builder per output format; each reads only the model (see base.Builder)."""
