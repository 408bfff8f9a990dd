"""The condition language: nodes and their walk (``nodes``), fact types (``facts``), parsing
and type checking (``parser``), compilation to Python (``compiler``), the reference
interpreter (``interpreter``) and conditions as text (``text``)."""
