"""Block Kit builders: pure functions of a plain result and a language."""
