"""Pages of the appeals loop. Every fetch goes through the permission module; every write through
``appeals.services`` (the views only translate forms into service calls and errors into pages)."""
