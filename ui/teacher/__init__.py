"""The Teacher page: the key guard, the class and its join link, live tables, leaderboard, the class's
handwriting, exports and deletions. Reads and writes go through cnn_core.store."""
