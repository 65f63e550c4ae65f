"""One module per CLI model, each exposing ``spec() -> ModelSpec`` (see ``registry._SPEC_MODULES``)."""
