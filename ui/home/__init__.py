"""Home page helpers: the live elements beside the answers to the article's opening questions."""
