"""The wand export reader, part by part: times, files, columns, rows."""
