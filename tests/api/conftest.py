def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "schema_fuzz: fuzzes the whole API against its OpenAPI schema (needs RUN_SCHEMA_FUZZ=1)",
    )
