"""People: user, profile, follows, charter acceptance, access tokens."""
