// The LRN module. Work in progress; see Documentation/Architecture.md.
