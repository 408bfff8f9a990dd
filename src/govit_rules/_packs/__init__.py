"""Rule packs: file schemas, the loading stages, the compiled pack, the registry."""
