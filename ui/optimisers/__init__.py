"""The Optimisers page's helpers: inputs, figures, sections, text."""
