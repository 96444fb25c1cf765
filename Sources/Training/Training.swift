// The Training module. Work in progress; see Documentation/Architecture.md.
