"""Events: the rules applied to annotated sentences → dated international political events, with their sides,
status and evidence (``extract.add_events`` is the stage)."""
