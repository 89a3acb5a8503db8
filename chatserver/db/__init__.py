"""The data layer: the schema, the engine and the only place with SQL."""
