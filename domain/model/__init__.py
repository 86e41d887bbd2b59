"""The regulated model: aggregates, their events and commands, the rulebooks of both texts, the
vocabulary and the article catalogue. Imports no web or database code."""
