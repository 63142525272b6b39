"""Who spoke: a speaker for every word, labels that follow speech, people's names for speakers."""
