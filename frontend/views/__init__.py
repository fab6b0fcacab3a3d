"""The web pages, one module per area. Each view reads input with a form, calls the
services and selectors of the app that owns the data, and renders a template."""
