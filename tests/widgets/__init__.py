"""The widgets (poolutils.widgets) and the pure logic they show (poolutils.explain)."""
