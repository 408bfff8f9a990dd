"""Reading input: located YAML and JSON, project files, size and shape limits."""
