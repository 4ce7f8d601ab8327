"""API views: one module per object kind, each view a getter or selector, a form and one service call."""
