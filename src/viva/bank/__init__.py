"""The question bank: domain model, the Markdown/Obsidian importer, link resolution, stable ids.

No SQL and no terminal output here: `store` persists what this package builds, `cli` shows it.
"""
