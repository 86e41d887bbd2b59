"""The story pages' pure parts: the timeline's layout, what a version changed, who did what."""
