// The Layers module. Work in progress; see Documentation/Architecture.md.
