"""IG Portal's REST API, version 1: the pages' selectors, getters and services behind JSON.

No permission is decided here that the pages do not decide the same way: views fetch through the
checked getters (404 when the object is not visible, 403 when it is but the action is not allowed),
lists come from the selectors, and every write is one service call.
"""
