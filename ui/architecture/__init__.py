"""The architecture page's helpers: inputs (widgets in, plain values out), sections, figures, text."""
