"""The read side: projections of the profiles' events into views, behind view ports."""
