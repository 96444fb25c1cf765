// The FERData module. Work in progress; see Documentation/Architecture.md.
