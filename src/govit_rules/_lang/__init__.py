"""The condition language: nodes, parsing and type checking, compilation, interpretation."""
