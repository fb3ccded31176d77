"""Talking to teams (tell, ask, quick-tell), one tell's record, and the configured teams."""
